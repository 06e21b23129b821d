import type { GenericSchema } from "valibot";

export declare const CONFIG_SCHEMA_URL: URL;
export declare function configJsonSchema(configSchema: GenericSchema): Record<string, unknown>;
