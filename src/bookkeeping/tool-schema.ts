/**
 * The schema where the tool keeps its own tables (the provisioning lock and the operation history):
 * outside the managed view schemas, so plans never see them and analysts are never granted them.
 */
export const TOOL_SCHEMA = "redshift_views";
