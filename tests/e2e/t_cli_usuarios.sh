# t_cli_usuarios — `embudo usuario`, an admin running the team without psql: creates a
# supervisor, a promoter of it with its cupo and cartera, and an auditor; the same create
# again changes nothing and different data is refused; the list shows each as the caller may
# see it (admin: everyone; the supervisor: its team; the promoter: itself); limites, estado
# and supervisor change and say what they did, in text and in --json; a supervisor may not
# change a limit (EB101) and an auditor may not change anything (permission); the promoter's
# supervisor marks it absent with a reason (078), another supervisor may not, and `usuario
# cambios` shows who did what. Its own users (supusr, supusr2, promusr, audusr), so no other
# scenario's data moves.
. "$(dirname "$0")/lib.inc"

out="$E2E_WORK/$E2E_NAME.out"

eb --as admin usuario crear supusr --nombre 'Sonia Usuarios' --rol supervisor > "$out" 2>&1 &&
    grep -q '^usuario supusr (Sonia Usuarios, SUPERVISOR) listo$' "$out" ||
    fail "crear supusr: $(cat "$out")"
eb --as admin usuario crear supusr2 --nombre 'Saúl Usuarios' --rol SUPERVISOR >/dev/null ||
    fail "crear supusr2"
eb --as admin usuario crear promusr --nombre 'Paula Núñez' --rol PROMOTOR --supervisor supusr \
    --cupo 35 --cartera 300 > "$out" 2>&1 || fail "crear promusr: $(cat "$out")"
eb --as admin usuario crear promusr --nombre 'Paula Núñez' --rol PROMOTOR --supervisor supusr \
    --cupo 35 --cartera 300 > "$out" 2>&1 || fail "crear promusr otra vez: $(cat "$out")"
eb --as admin usuario crear promusr --nombre 'Paula Otra' --rol PROMOTOR --supervisor supusr \
    > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'el usuario «promusr» ya existe con otros datos' "$out" ||
    fail "crear promusr con otros datos: $(cat "$out")"
eb --as admin usuario crear audusr --nombre 'Laura Auditoría' --rol auditor >/dev/null ||
    fail "crear audusr"

eb --as admin usuario > "$out" 2>&1 || fail "lista como admin: $(cat "$out")"
head -n 1 "$out" | grep -q '^USUARIO  *NOMBRE  *ROL  *ESTADO  *SUPERVISOR  *CUPO  *CARTERA$' ||
    fail "encabezado: $(head -n 1 "$out")"
grep -q '^promusr  *Paula Núñez  *PROMOTOR  *ACTIVO  *supusr  *35  *0/300$' "$out" &&
    grep -q '^audusr  *Laura Auditoría  *AUDITOR  *ACTIVO  *—  *—  *—$' "$out" ||
    fail "lista como admin: $(cat "$out")"
[ "$(eb --as supusr usuario | sed 1d | cut -d' ' -f1 | tr '\n' ' ')" = "supusr promusr " ] ||
    fail "lista como supusr: $(eb --as supusr usuario)"
[ "$(eb --as promusr usuario | sed 1d | cut -d' ' -f1)" = promusr ] || fail "lista como promusr"
[ "$(eb --as audusr usuario | sed 1d | wc -l)" = "$(eb --as admin usuario | sed 1d | wc -l)" ] ||
    fail "el auditor no ve a todos"

eb --as admin usuario limites promusr --cupo 20 > "$out" 2>&1 &&
    grep -q '^promusr: cupo diario 20, cartera máxima 300$' "$out" || fail "limites: $(cat "$out")"
eb --as admin --json usuario limites promusr --cartera 250 > "$out" 2>&1 &&
    grep -q '^{"usuario":"promusr","cupo_diario":20,"cartera_max":250}$' "$out" ||
    fail "limites --json: $(cat "$out")"
eb --as admin usuario estado promusr vacaciones > "$out" 2>&1 &&
    grep -q '^promusr: ACTIVO → VACACIONES$' "$out" || fail "estado: $(cat "$out")"
eb --as admin usuario supervisor promusr supusr2 > "$out" 2>&1 &&
    grep -q '^promusr ahora es del equipo de supusr2$' "$out" || fail "supervisor: $(cat "$out")"
eb --as admin --json usuario > "$out" 2>&1 &&
    grep -q '{"usuario":"promusr","nombre":"Paula Núñez","rol":"PROMOTOR","estado":"VACACIONES","supervisor":"supusr2","cupo_diario":20,"cartera_max":250,"activas":0}' "$out" ||
    fail "lista --json: $(cat "$out")"

# Who may not: a supervisor (the database's rule, EB101) and an auditor (no grant).
eb --as supusr usuario limites promusr --cupo 99 > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'solo un administrador puede cambiar el cupo y la cartera' "$out" ||
    fail "supusr cambió un límite: $(cat "$out")"
eb --as audusr usuario estado promusr ACTIVO > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'su usuario no tiene permiso para esto' "$out" ||
    fail "el auditor cambió un estado: $(cat "$out")"
[ "$(sql_as admin "SELECT estado || cupo_diario FROM crm.usuarios WHERE login = 'promusr'")" = VACACIONES20 ] ||
    fail "promusr cambió"

# Its supervisor (supusr2 now) brings promusr back and marks it absent, with a reason; the
# other supervisor may not; BAJA stays an admin's.
eb --as supusr2 usuario estado promusr activo > "$out" 2>&1 &&
    grep -q '^promusr: VACACIONES → ACTIVO$' "$out" || fail "supusr2 activo: $(cat "$out")"
eb --as supusr2 usuario estado promusr ausente --motivo 'cita en el IMSS' > "$out" 2>&1 ||
    fail "supusr2 ausente: $(cat "$out")"
eb --as supusr usuario estado promusr activo > "$out" 2>&1
[ $? -eq 1 ] && grep -q '«promusr» no es promotor de su equipo' "$out" ||
    fail "supusr cambió a un promotor ajeno: $(cat "$out")"
eb --as supusr2 usuario estado promusr baja > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'dar de baja o de alta a un usuario es de un administrador' "$out" ||
    fail "supusr2 dio de baja: $(cat "$out")"

# The record of changes, newest first: what each did, with the reason.
eb --as supusr2 usuario cambios promusr > "$out" 2>&1 || fail "cambios: $(cat "$out")"
head -n 1 "$out" | grep -q '  promusr  estado: ACTIVO → AUSENTE  por supusr2 («cita en el IMSS»)$' ||
    fail "último cambio: $(cat "$out")"
grep -q '  promusr  supervisor: supusr → supusr2  por admin$' "$out" &&
    grep -q '  promusr  cupo_diario: 35 → 20  por admin$' "$out" ||
    fail "cambios del admin: $(cat "$out")"
[ "$(eb --as supusr usuario cambios | grep -c promusr)" = 0 ] ||
    fail "supusr ve los cambios de un promotor que ya no es suyo"
eb --as supusr2 --json usuario cambios promusr --limite 1 > "$out" 2>&1 &&
    grep -q '^\[{"usuario":"promusr","campo":"estado","anterior":"ACTIVO","nuevo":"AUSENTE","motivo":"cita en el IMSS","hecho_por":"supusr2","hecho_at":"[0-9T:Z-]*"}\]$' "$out" ||
    fail "cambios --json: $(cat "$out")"
# A name typed wrong: an admin corrects it (sql/099), blanks collapsed; the same again is
# nothing; a supervisor may not.
eb --as admin usuario nombre promusr Pablo  Urías   Soto --motivo 'con acento' > "$out" 2>&1 &&
    grep -q '^promusr: «.*» → «Pablo Urías Soto»$' "$out" || fail "nombre: $(cat "$out")"
eb --as admin usuario nombre promusr Pablo Urías Soto > "$out" 2>&1 &&
    grep -q '^promusr ya se llamaba «Pablo Urías Soto»: nada que cambiar$' "$out" ||
    fail "nombre otra vez: $(cat "$out")"
eb --as supusr2 usuario nombre promusr Otro Nombre > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'solo un administrador puede corregir el nombre de los usuarios' "$out" ||
    fail "un supervisor corrigió un nombre: $(cat "$out")"
eb --as admin --json usuario nombre nadie Nadie Nunca > "$out" 2>&1
[ $? -eq 1 ] && grep -q 'el usuario «nadie» no existe' "$out" || fail "nombre de nadie: $(cat "$out")"
[ "$(sql_as admin "SELECT nombre FROM crm.usuarios WHERE login = 'promusr'")" = "Pablo Urías Soto" ] ||
    fail "el nombre no quedó"
eb --as admin usuario cambios promusr --limite 1 > "$out" 2>&1 &&
    grep -q '  promusr  nombre: .* → Pablo Urías Soto  por admin («con acento»)$' "$out" ||
    fail "cambio de nombre: $(cat "$out")"

e2e_end
