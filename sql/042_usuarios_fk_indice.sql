-- 042_usuarios_fk_indice.sql — the per-row FK checks against crm.usuarios use its index.
--
-- Every history row checks historial.usuario_id → usuarios (50 checks for a 50-client
-- request). A foreign-key check is a cached `SELECT … WHERE id = $1 FOR KEY SHARE` planned
-- once per session, and with a few hundred users the table fits in 3 pages, so the planner
-- chose a sequential scan: each check read every user row (25 µs against 9 µs through the
-- primary key, measured with 200 users; 0.9 ms of each request under load). Storing the rows
-- sparsely (fillfactor 10: about 20 users per page) makes the index scan the cheaper plan at
-- any size; a table of users stays small either way. The FK itself is unchanged.

SET LOCAL ROLE embudo_owner;

ALTER TABLE crm.usuarios SET (fillfactor = 10);
-- Rewrites the existing rows with the new fillfactor (new rows follow it by themselves).
CLUSTER crm.usuarios USING usuarios_pkey;
