/** The only template tag: filled with the environment name at provision time. */
export const PLACEHOLDER = "<%= environment %>";
