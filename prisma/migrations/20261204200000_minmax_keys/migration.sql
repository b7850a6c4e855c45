-- Keys that merge by min or max now end in U+001E + 'min' / 'max' (lib/rollups/format.ts MINMAX) instead of
-- U+001F + 'min' / 'max': a class, error type or category value named "min" or "max" made a count key that
-- ended the same way (pc·max), and dw_merge kept the larger of two counts instead of adding them. Ingest now
-- replaces U+001C–U+001F in every string a key is made of, so only real min/max keys hold U+001E.
CREATE OR REPLACE FUNCTION dw_merge(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(a, '{}'::jsonb) || coalesce((
    SELECT jsonb_object_agg(d.key,
      CASE
        WHEN NOT coalesce(a ? d.key, false) THEN d.value
        WHEN right(d.key, 4) = chr(30) || 'min' THEN to_jsonb(least((a ->> d.key)::float8, (d.value #>> '{}')::float8))
        WHEN right(d.key, 4) = chr(30) || 'max' THEN to_jsonb(greatest((a ->> d.key)::float8, (d.value #>> '{}')::float8))
        ELSE to_jsonb((a ->> d.key)::numeric + (d.value #>> '{}')::numeric)
      END)
    FROM jsonb_each(b) AS d), '{}'::jsonb)
$$;

-- Stored min/max keys move to the new ending. In metrics documents they are exactly p·min and p·max (a class
-- "min" is pc·min, a count, and stays); in feature documents they have two parts, <feature>·min and
-- <feature>·max (value counts have three, <feature>·v·<value>).
UPDATE rollups
SET data = (data - ('p' || chr(31) || 'min') - ('p' || chr(31) || 'max'))
        || jsonb_strip_nulls(jsonb_build_object(
             'p' || chr(30) || 'min', data -> ('p' || chr(31) || 'min'),
             'p' || chr(30) || 'max', data -> ('p' || chr(31) || 'max')))
WHERE data ?| ARRAY['p' || chr(31) || 'min', 'p' || chr(31) || 'max'];

UPDATE feature_rollups
SET data = (
  SELECT jsonb_object_agg(
           CASE WHEN right(k, 4) IN (chr(31) || 'min', chr(31) || 'max') AND strpos(left(k, -4), chr(31)) = 0
                THEN left(k, -4) || chr(30) || right(k, 3) ELSE k END,
           v)
  FROM jsonb_each(data) AS e(k, v))
WHERE EXISTS (
  SELECT 1 FROM jsonb_object_keys(data) AS k
  WHERE right(k, 4) IN (chr(31) || 'min', chr(31) || 'max') AND strpos(left(k, -4), chr(31)) = 0);
