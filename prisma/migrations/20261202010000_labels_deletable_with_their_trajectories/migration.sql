-- Human labels stay append-only: an UPDATE of a label is always refused, and so is a DELETE — except
-- in a transaction that deletes the trajectories the labels belong to and has first written their
-- labels export to a file (lib/server/deletion.ts). That transaction says so with
-- set_config('routelens.deleting_labels', 'on', true), which lasts until it ends; no other code of
-- routelens sets it. (A superuser can always drop the trigger; this guards against mistakes, not them.)
CREATE OR REPLACE FUNCTION "labels_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('routelens.deleting_labels', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'labels are append-only: % of label % refused', TG_OP, OLD.id
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
