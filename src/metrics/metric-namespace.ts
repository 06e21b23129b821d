import { RedshiftViewsError } from "../errors.js";

/**
 * A namespace CloudWatch accepts: 1–255 printable ASCII characters, not starting with `:`, at least
 * one of them not a space, and not under `AWS/`, which AWS reserves for its own services.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html
 */
export function checkNamespace(namespace: string): string {
  const problem =
    namespace.length === 0 || namespace.length > 255
      ? "must be 1 to 255 characters long"
      : !/^[\x20-\x7e]+$/.test(namespace)
        ? "may only hold printable ASCII characters"
        : namespace.trim() === ""
          ? "must hold a character other than a space"
          : namespace.startsWith(":")
            ? "cannot start with a colon"
            : namespace.startsWith("AWS/")
              ? "cannot start with AWS/ (reserved for AWS services)"
              : undefined;
  if (problem === undefined) return namespace;
  throw new RedshiftViewsError("E_METRICS_NAMESPACE", `CloudWatch namespace "${namespace}" ${problem}.`, {
    hint: "Choose another namespace (the default is ZeroEtlMaterializedViews).",
  });
}
