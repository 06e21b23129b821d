/** `SVV_MV_INFO.state`, in words. 100 and above can only be fixed by DROP + CREATE. */
export function describeMvState(state: number | undefined): string {
  switch (state) {
    case undefined:
      return "unknown";
    case 0:
      return "full recompute on next refresh";
    case 1:
      return "incremental refresh";
    case 101:
      return "needs rebuild: a source column was dropped";
    case 102:
      return "needs rebuild: a source column's type changed";
    case 103:
      return "needs rebuild: a source table was renamed";
    case 104:
      return "needs rebuild: a source column was renamed";
    case 105:
      return "needs rebuild: a source schema was renamed";
    default:
      return state >= 100 ? `needs rebuild (state ${state})` : `state ${state}`;
  }
}

export function needsRebuild(state: number | undefined): boolean {
  return state !== undefined && state >= 100;
}
