/** Orders rows by their (model, id) key — the order the write path takes row locks in, so writers never deadlock. */
export function compareKeys(a: { model: string; id: string }, b: { model: string; id: string }): number {
  return a.model < b.model ? -1 : a.model > b.model ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
