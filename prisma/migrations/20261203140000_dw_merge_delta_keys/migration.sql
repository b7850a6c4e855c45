-- dw_merge(stored, delta) visits only the delta's keys, each looked up in the stored document, and overwrites
-- them in place (||). The first version unnested both documents and grouped every key by sorting on each upsert;
-- a batch's delta holds far fewer keys than the stored hour documents it merges into. Same results: sums as
-- numeric, `…min`/`…max` keys by least/greatest as float8, keys absent from the delta untouched.
CREATE OR REPLACE FUNCTION dw_merge(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(a, '{}'::jsonb) || coalesce((
    SELECT jsonb_object_agg(d.key,
      CASE
        WHEN NOT coalesce(a ? d.key, false) THEN d.value
        WHEN right(d.key, 4) = chr(31) || 'min' THEN to_jsonb(least((a ->> d.key)::float8, (d.value #>> '{}')::float8))
        WHEN right(d.key, 4) = chr(31) || 'max' THEN to_jsonb(greatest((a ->> d.key)::float8, (d.value #>> '{}')::float8))
        ELSE to_jsonb((a ->> d.key)::numeric + (d.value #>> '{}')::numeric)
      END)
    FROM jsonb_each(b) AS d), '{}'::jsonb)
$$;
