import { EventSchema, type Event } from '../events/event.entity.js';
import { dateTime, limitedText, text } from './cell-values.js';
import { changes, definedOnly, lastByKey, type Importer } from './importer.js';

const EVENT_ID = /^[A-Za-z0-9_.-]{1,50}$/;

/** Venue events upserted by their own id (活动编号). */
export const eventsImporter = (timeZone: string): Importer => ({
  kind: 'events',
  columns: [
    { field: 'id', label: '活动编号', headers: ['活动编号', '活动id', '编号', 'eventid', 'id'], required: true, parse: (c) => (EVENT_ID.test(text(c)) ? text(c) : { error: '活动编号只能含字母、数字、_ . -，最长 50 位' }) },
    { field: 'name', label: '活动名称', headers: ['活动名称', '活动', '名称', 'name', 'eventname'], required: true, parse: limitedText(200) },
    { field: 'eventDate', label: '活动时间', headers: ['活动时间', '活动日期', '时间', '日期', 'eventdate', 'date', 'time'], required: true, parse: dateTime(timeZone) },
    { field: 'venue', label: '地点', headers: ['地点', '场地', '活动地点', 'venue', 'location'], parse: limitedText(200) },
    { field: 'description', label: '说明', headers: ['说明', '描述', '活动说明', 'description'], parse: limitedText(5000) },
  ],
  async apply(em, rows, ctx) {
    const { kept, repeated } = lastByKey(rows, (r) => r.values.id as string);
    const existing = new Map((await em.find(EventSchema, { id: { $in: [...kept.keys()] } }, { disableIdentityMap: true })).map((e) => [e.id, e]));
    const inserts: Array<Partial<Event>> = [];
    let updated = 0;
    let unchanged = repeated;
    for (const [id, row] of kept) {
      const fields = definedOnly({ name: row.values.name, eventDate: row.values.eventDate, venue: row.values.venue, description: row.values.description });
      const current = existing.get(id);
      if (!current) {
        inserts.push({ ...fields, id, createdAt: ctx.now, updatedAt: ctx.now } as Partial<Event>);
        continue;
      }
      const diff = changes(current as unknown as Record<string, unknown>, fields);
      if (Object.keys(diff).length) {
        await em.nativeUpdate(EventSchema, { id }, { ...diff, updatedAt: ctx.now } as never);
        updated += 1;
      } else unchanged += 1;
    }
    if (inserts.length) await em.insertMany(EventSchema, inserts as never[]);
    return { created: inserts.length, updated, unchanged, rejected: [] };
  },
});
