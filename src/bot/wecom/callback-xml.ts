/**
 * WeCom callback XML is flat: `<xml><Name><![CDATA[value]]></Name><Num>1</Num>…</xml>`. A small strict
 * reader for that shape (no entities, no attributes, no nesting we need) avoids an XML dependency and
 * its external-entity risks.
 */
const FIELD = /<([A-Za-z][A-Za-z0-9_]{0,63})>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g;

export function readFlatXml(xml: string): Record<string, string> | null {
  const trimmed = xml.trim();
  if (!trimmed.startsWith('<xml>') || !trimmed.endsWith('</xml>')) return null;
  const fields: Record<string, string> = {};
  for (const m of trimmed.slice(5, -6).matchAll(FIELD)) {
    const name = m[1]!;
    if (!(name in fields)) fields[name] = (m[2] ?? m[3] ?? '').trim();
  }
  return fields;
}

export const cdata = (value: string) => `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
