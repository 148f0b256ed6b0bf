/**
 * One argument of FreeSWITCH's `originate` as the switch reads it back. The API splits its command line on
 * spaces outside single quotes (switch_utils.c `separate_string_blank_delim`), then strips the quotes and
 * reads backslash escapes (`cleanup_separated_string`): an inline application whose argument holds spaces —
 * `&socket(127.0.0.1:8084 async full)`, `&speak(engine|voice|text)` — must travel quoted, or the switch runs
 * `socket` with `127.0.0.1:8084` alone (no async, no full) and speaks the text up to its first space.
 */
export function originateArgument(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
