-- 086_baja_padron.sql — a client the lender no longer lists leaves the pool.
--
-- `embudo import clientes --actualizar` keeps the clients a renewed padron file names up to
-- date (by CURP), but a client the lender dropped (retired, left the convenio, died) stayed
-- assignable forever. With `--bajas` the import also compares: a client of the file's
-- convenios that the file no longer lists (neither its CURP nor a vigente phone of theirs is
-- in it) gets a block BAJA_PADRON without end, the same machinery as every other block (004:
-- the pool's libre_desde, the counts, the assignment, the distribution, the captación's
-- EB707). A client under that block who comes back in a later file has it ended (hasta =
-- now()): the row stays, as history. Active opportunities are not touched: the promoter
-- working one decides. The C side (src/db/db_import.c) writes the blocks in the import's own
-- transaction and refuses to retire more than a fifth of those convenios' clients unless told
-- to (a partial file must not empty the pool).

SET LOCAL ROLE embudo_owner;

ALTER TABLE crm.bloqueos DROP CONSTRAINT bloqueos_motivo_check,
    ADD CONSTRAINT bloqueos_motivo_check
        CHECK (motivo IN ('ENFRIAMIENTO', 'VENTA', 'OPT_OUT', 'NO_CONTACTAR', 'ARCO',
                          'BAJA_PADRON'));
