-- 061_pool_localidad.sql — an assignment writes to the pages it already holds, never to the
-- registry.
--
-- Measured on the bench database (1,000,000 clients; docs/bench-asignacion.md, run 8) with the
-- WAL written per committed 50-client request, right after a checkpoint: 925 KB before, 592 KB
-- with the first change below. Every page a transaction touches first after a checkpoint goes
-- into the WAL whole (8 KB), so what a request costs depends on how many pages it touches.
--
-- * oportunidades.cliente_id references crm.pool (cliente_id) instead of padron.clientes.
--   The FK check takes FOR KEY SHARE on the referenced row, and on padron.clientes that wrote
--   a lock into up to 50 registry pages per request (the registry is read-only to the CRM, and
--   its pages are otherwise never dirtied). The pool row is the one the assignment has just
--   locked FOR UPDATE, so the check finds the stronger lock it already holds and writes
--   nothing. The rule is the same: the pool has exactly one row per registry client (its
--   triggers on padron.clientes keep it so), and deleting a registry client with
--   opportunities still fails, now on this FK when the pool row is deleted.
-- * New registry clients enter the pool in the order the assignment reads it (convenio,
--   entidad, edad — pool_libres' order), so one request's candidates sit on a few neighbouring
--   pool pages instead of fifty scattered ones. Rows loaded before this migration keep their
--   order; this only changes where new rows are written.

SET LOCAL ROLE embudo_owner;

ALTER TABLE crm.oportunidades
    DROP CONSTRAINT oportunidades_cliente_id_fkey,
    ADD CONSTRAINT oportunidades_cliente_id_fkey FOREIGN KEY (cliente_id)
        REFERENCES crm.pool (cliente_id);

CREATE OR REPLACE FUNCTION crm.pool_clientes_ins() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO crm.pool (cliente_id, convenio_id, entidad_id, edad)
    SELECT n.id, n.convenio_id, n.entidad_id, n.edad FROM nuevos n
     ORDER BY n.convenio_id, n.entidad_id, n.edad, n.id
    ON CONFLICT (cliente_id) DO NOTHING;
    RETURN NULL;
END
$$;
