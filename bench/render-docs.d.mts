/** One row of bench/results.json. */
export interface ResultRow {
  readonly section: string;
  readonly benchmark: string;
  readonly measured: string;
  readonly target: string;
  readonly ratio?: number;
  readonly spread?: {
    readonly rounds: number;
    readonly median: number;
    readonly low: number;
    readonly high: number;
    readonly interval: string;
  };
  readonly verdict?: "met" | "missed" | "unresolved";
}

export declare function renderTable(rows: readonly ResultRow[]): string;
export declare function renderPerformance(report: unknown): string;
