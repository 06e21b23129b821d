/** A schema-qualified relation (view or table). */
export interface Relation {
  readonly schema: string;
  readonly name: string;
}

/** A Redshift principal: what `GRANT … TO` names. */
export interface Principal {
  readonly kind: "user" | "group" | "role";
  /** Validated against `^[A-Za-z_][A-Za-z0-9_$]{0,126}$` where it enters the tool. */
  readonly name: string;
}

/** Whom a privilege is granted to or revoked from: a principal, or `PUBLIC` (everyone). */
export type Grantee = Principal | { readonly kind: "public" };

/**
 * The statements this tool sends to manage views, as data: plans and tasks carry these, and
 * `renderStatement` is the only place that turns them into SQL text.
 */
export type Statement =
  | { readonly kind: "create_schema"; readonly schema: string }
  /** The DDL of a template, environment filled in and header stripped (it is what the hash covers). */
  | { readonly kind: "create_materialized_view"; readonly ddl: string }
  | { readonly kind: "drop_materialized_view"; readonly view: Relation; readonly cascade: boolean }
  | {
      readonly kind: "comment_on_column";
      readonly relation: Relation;
      readonly column: string;
      readonly text: string;
    }
  | { readonly kind: "grant_select"; readonly relation: Relation; readonly to: Principal }
  | { readonly kind: "grant_usage"; readonly schema: string; readonly to: Principal }
  | { readonly kind: "revoke_usage"; readonly schema: string; readonly from: Grantee }
  | { readonly kind: "refresh_materialized_view"; readonly view: Relation };
