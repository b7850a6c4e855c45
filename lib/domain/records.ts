/**
 * Records keyed by names users choose (features, classes, segments, labels). A plain object inherits
 * `toString`, `constructor`, `valueOf`, … from Object.prototype, so `features["toString"]` on an event that has no
 * such feature answers a function, not undefined; and assigning `o["__proto__"]` replaces the object's prototype
 * instead of adding a key. Read user-named keys with `own`; `__proto__` is refused as a name at the boundary
 * (`RESERVED_NAME`), so no stored record holds it.
 */

/** `record[key]` when it is the record's own property, else undefined (never an inherited Object.prototype member). */
export function own<T>(record: Readonly<Record<string, T>> | null | undefined, key: string): T | undefined {
  return record != null && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The one name no feature, segment, class key or label may have. */
export const RESERVED_NAME = "__proto__";
export const RESERVED_NAME_MESSAGE = "`__proto__` is reserved and cannot be used as a name";
