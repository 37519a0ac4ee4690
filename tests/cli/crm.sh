#!/bin/sh
# CRM commands (issue 3): flag validation in C — exit 2 with a Spanish message, before any
# connection is made, so it needs no database. Usage: crm.sh BUILD_DIR. Ends with the plain
# "N passed, N failed" line; exits 1 when anything failed.
set -u
cli_name=crm
. "$(dirname "$0")/lib.sh"

e=$bin
expect 2 'falta «--cantidad»' -- $e asignar
expect 2 '«--cantidad» debe ser un número entre 1 y 1000 \(se dio «0»\)' -- $e asignar --cantidad 0
expect 2 'entre 1 y 1000 \(se dio «1001»\)' -- $e asignar --cantidad=1001
expect 2 'entre 1 y 1000' -- $e asignar --cantidad 5x
expect 2 '«--edad-min» debe ser una edad entre 18 y 110' -- $e asignar --cantidad 5 --edad-min 17
expect 2 '«--edad-min» \(60\) es mayor que «--edad-max» \(30\)' -- \
    $e asignar --cantidad 5 --edad-min 60 --edad-max 30
expect 2 '«--clave» no puede estar vacío' -- $e asignar --cantidad 5 --clave ' '
expect 2 'opción desconocida: «--cantida»' -- $e asignar --cantida 5
expect 2 'uso: embudo asignar --cantidad N' -- $e asignar extra --cantidad 5
expect 2 '«--por» debe ser «convenio» o «entidad»' -- $e disponibles --por estado
expect 2 '«--desde» y «--hasta» son fechas AAAA-MM-DD' -- $e informe --desde 2026-11-31
expect 2 'indique el número de la oportunidad' -- $e prorroga pedir x --hasta 2026-12-01 --motivo m
expect 2 '«--hasta» es la fecha AAAA-MM-DD en que se reanuda' -- \
    $e prorroga pedir 5 --hasta 2026-02-30 --motivo m
expect 2 'falta «--motivo»' -- $e prorroga pedir 5 --hasta 2026-12-01
expect 2 'falta «--respuesta»' -- $e prorroga rechazar 3
expect 2 '«--respuesta» no puede estar vacío' -- $e prorroga aprobar 3 --respuesta ' '
expect 2 'indique el número de la prórroga' -- $e prorroga cancelar 0
expect 2 'acción desconocida: «borrar» \(lista, pedir, aprobar, rechazar o cancelar\)' -- \
    $e prorroga borrar 1
expect 2 '«--desde» y «--hasta» son fechas AAAA-MM-DD' -- $e informe --hasta ayer
expect 2 'opción desconocida: «--promotora»' -- $e informe --promotora prom1
expect 2 'argumento de más: «extra»' -- $e informe extra
expect 2 'argumento de más: «extra»' -- $e oportunidades extra
expect 2 '«--etapa» no puede estar vacío' -- $e oportunidades --etapa ''
expect 2 '«--lote» debe ser un número de lote \(se dio «x»\)' -- $e oportunidades --lote x
expect 2 'se esperan OPORTUNIDAD y ETAPA' -- $e mover 5
expect 2 '«x» no es un número de oportunidad' -- $e mover x Contactado
expect 2 '«--motivo» no puede estar vacío' -- $e mover 5 Contactado --motivo ''
expect 2 '«--monto» debe ser un importe mayor que 0' -- \
    $e venta 5 --monto 1,000 --producto P --folio F
expect 2 '«--monto» debe ser un importe mayor que 0' -- $e venta 5 --monto 0 --producto P --folio F
expect 2 '«--monto» debe ser un importe mayor que 0' -- \
    $e venta 5 --monto 10.505 --producto P --folio F
expect 2 'falta «--folio»' -- $e venta 5 --monto 10.50 --producto P
expect 2 'falta «--telefono»' -- $e captar --nombre Ana
expect 2 '«--curp» debe tener 18 caracteres' -- $e captar --nombre Ana --telefono 3312345678 --curp X
expect 2 'se espera el número de OPORTUNIDAD' -- $e corregir --nombre Ana --motivo m
expect 2 '«--bajas» va con «--actualizar»' -- $e import clientes x.csv --bajas
expect 2 '«--forzar» solo va con «--bajas»' -- $e import clientes x.csv --actualizar --forzar
expect 2 '«x» no es un número de oportunidad' -- $e corregir x --nombre Ana --motivo m
expect 2 'diga qué corregir: --nombre, --telefono o --curp' -- $e corregir 5 --motivo m
expect 2 'falta «--motivo»' -- $e corregir 5 --telefono 3312345678
expect 2 '«--motivo» no puede estar vacío' -- $e corregir 5 --nombre Ana --motivo ' '
expect 2 '«--curp» debe tener 18 caracteres' -- $e corregir 5 --curp X --motivo m
expect 2 'acción desconocida: «borrar»' -- $e bandeja borrar 1 --motivo m
expect 2 '«--a» solo se usa con «reasignar»' -- $e bandeja devolver 1 --a ana --motivo m
expect 2 'falta «--motivo»' -- $e bandeja descartar 1
expect 2 'falta el número de oportunidad' -- $e reasignar --a ana --motivo m
expect 2 'falta «--a»' -- $e reasignar 1 2 --motivo m
expect 2 'falta «--horas»' -- $e extender 1 --motivo cita
expect 2 '«--horas» debe ser un número de horas hábiles entre 1 y 120 \(se dio «121»\)' -- \
    $e extender 1 --horas 121 --motivo cita
expect 2 'falta «--motivo»' -- $e extender 1 --horas 8
expect 2 'falta el número de oportunidad' -- $e extender --horas 8 --motivo cita
expect 2 'opción desconocida: «--ya»' -- $e sweep --ya
expect 2 'argumento de más' -- $e doctor extra
expect 2 'solo se importan «clientes»' -- $e import prospectos x.csv
expect 1 'no se pudo abrir «/nonexistent/x.csv»' -- $e import clientes /nonexistent/x.csv
expect 2 'falta «--cantidad»' -- $e distribuir --convenio IMSS
expect 2 '«--cantidad» debe ser un número entre 1 y 5000 \(se dio «5001»\)' -- \
    $e distribuir --cantidad 5001
expect 2 '«--clave» es para repartir; la vista previa no reparte nada' -- \
    $e distribuir --cantidad 5 --vista-previa --clave k
expect 2 '«--promotores» necesita al menos un usuario' -- $e distribuir --cantidad 5 --promotores ' , '
expect 2 '«--edad-max» debe ser una edad entre 18 y 110' -- $e distribuir --cantidad 5 --edad-max 9
expect 2 'acción desconocida: «borrar» \(lista, crear, estado, supervisor, limites, nombre o cambios\)' -- \
    $e usuario borrar ana
expect 2 'falta el usuario \(LOGIN\) a crear' -- $e usuario crear --nombre Ana --rol PROMOTOR
expect 2 'falta «--rol»' -- $e usuario crear ana --nombre Ana
expect 2 '«--rol» debe ser PROMOTOR, SUPERVISOR, ADMIN o AUDITOR \(se dio «jefe»\)' -- \
    $e usuario crear ana --nombre Ana --rol jefe
expect 2 '«--cupo» debe ser un número entre 0 y 10000 \(se dio «-1»\)' -- \
    $e usuario crear ana --nombre Ana --rol PROMOTOR --supervisor sup1 --cupo -1
expect 2 'se esperan LOGIN y ESTADO' -- $e usuario estado ana
expect 2 '«--motivo» no puede estar vacío' -- $e usuario estado ana AUSENTE --motivo ' '
expect 2 '«--limite» debe ser un número entre 1 y 10000 \(se dio «0»\)' -- $e usuario cambios --limite 0
expect 2 'argumento de más: «otro»' -- $e usuario cambios ana otro
expect 2 'se esperan LOGIN del promotor y LOGIN del supervisor' -- $e usuario supervisor ana
expect 2 'diga qué cambiar: «--cupo N», «--cartera N» o ambos' -- $e usuario limites ana
expect 2 'se esperan LOGIN y el NOMBRE completo' -- $e usuario nombre ana
expect 2 '«--motivo» no puede estar vacío' -- $e usuario nombre ana Ana Ruiz --motivo ' '
expect 2 '«--cartera» debe ser un número entre 0 y 100000' -- $e usuario limites ana --cartera 1e3
expect 2 'falta la acción \(agregar, importar, quitar, consultar, lista o resumen\)' -- \
    $e no-contactar
expect 2 'acción desconocida: «borrar»' -- $e no-contactar borrar 3312345678
expect 2 'falta el TELEFONO' -- $e no-contactar agregar --fuente REUS
expect 2 '«12345» no es un teléfono mexicano de 10 dígitos' -- $e no-contactar agregar 12345
expect 2 '«1234567890» no es un teléfono mexicano' -- $e no-contactar consultar 1234567890
expect 2 '«--fuente» debe ser REUS, REPEP o SOLICITUD \(se dio «REPE»\)' -- \
    $e no-contactar agregar 3312345678 --fuente REPE
expect 2 '«--registrado» debe ser una fecha AAAA-MM-DD que exista \(se dio «2025-02-30»\)' -- \
    $e no-contactar agregar 3312345678 --registrado 2025-02-30
expect 2 '«--detalle» admite a lo más 500 caracteres' -- \
    $e no-contactar agregar 3312345678 --detalle "$(printf '%0501d' 0)"
expect 2 'falta «--fuente» \(REUS o REPEP\)' -- $e no-contactar importar x.csv
expect 2 'las solicitudes se agregan una por una' -- \
    $e no-contactar importar x.csv --fuente solicitud
expect 2 'falta el ARCHIVO.csv' -- $e no-contactar importar --fuente REUS
expect 1 'no se pudo abrir «/nonexistent/x.csv»' -- \
    $e no-contactar importar /nonexistent/x.csv --fuente REUS
expect 2 'falta «--motivo»' -- $e no-contactar quitar 3312345678 --fuente REUS
expect 2 'falta «--fuente» \(REUS, REPEP o SOLICITUD\)' -- $e no-contactar quitar 3312345678 --motivo m
expect 2 '«--limite» debe ser un número entre 1 y 5000 \(se dio «0»\)' -- \
    $e no-contactar lista --limite 0
expect 2 '«x» no es un teléfono mexicano' -- $e no-contactar lista --despues x
expect 2 'argumento de más: «extra»' -- $e no-contactar resumen extra
expect 2 'nombre al titular con uno de --cliente, --prospecto u --oportunidad' -- \
    $e arco cancelar --folio F-1
expect 2 'nombre al titular con uno de' -- $e arco cancelar --cliente 1 --prospecto 2 --folio F-1
expect 2 '«--cliente» es un número entero positivo, no «x»' -- $e arco cancelar --cliente x --folio F
expect 2 'falta «--folio»' -- $e arco cancelar --cliente 1
expect 2 '«--recibida» es la fecha AAAA-MM-DD' -- \
    $e arco cancelar --cliente 1 --folio F --recibida 2026-02-30
expect 2 '«--plazo» son los días de bloqueo, de 0 a 3650' -- \
    $e arco cancelar --cliente 1 --folio F --plazo 4000
expect 2 'indique el folio, o --vencidas' -- $e arco suprimir
expect 2 'indique el folio, o --vencidas' -- $e arco suprimir F-1 --vencidas
expect 2 'acción desconocida: «borrar» \(lista, cancelar, suprimir o acceso\)' -- $e arco borrar
expect 2 'nombre al titular con uno de' -- $e arco acceso --salida x.json
expect 2 '«--prospecto» es un número entero positivo, no «0»' -- $e arco acceso --prospecto 0
expect 2 'indique la versión del aviso' -- $e aviso agregar
expect 2 'falta «--ubicacion»' -- $e aviso agregar AP-1
expect 2 '«--desde» es la fecha AAAA-MM-DD en que entra en vigor' -- \
    $e aviso agregar AP-1 --ubicacion https://x.mx --desde ayer
expect 0 'uso: embudo no-contactar agregar TELEFONO' -- $e no-contactar --help
expect 2 'indique la fecha \(AAAA-MM-DD\) y el nombre del día inhábil' -- \
    $e calendario inhabil 2026-12-12
expect 2 '«12/12/2026» no es una fecha AAAA-MM-DD' -- $e calendario inhabil 12/12/2026 Virgen
expect 2 '«--nombre» no puede estar vacío' -- $e calendario inhabil 2026-12-12 ' '
expect 2 'indique la fecha \(AAAA-MM-DD\) del día inhábil que se trabaja' -- $e calendario habil
expect 2 '«lunez» no es un día de la semana \(lunes … domingo, o 1 … 7\)' -- \
    $e calendario horario lunez cerrado
expect 2 'el horario es la apertura y el cierre en HH:MM' -- $e calendario horario lunes 9:00 19:00
expect 2 'el horario es la apertura y el cierre en HH:MM' -- $e calendario horario 1 09:00 24:00
expect 2 'el horario es la apertura y el cierre en HH:MM' -- $e calendario horario sábado 09:00
expect 2 '«--limite» es un número de 1 a 1000' -- $e calendario cambios --limite 0
expect 2 '«--desde» es una fecha AAAA-MM-DD' -- $e calendario --desde mañana
expect 2 'indique la fecha \(AAAA-MM-DD\), la apertura y el cierre' -- \
    $e calendario especial 2026-12-24 09:00 14:00
expect 2 'el horario es la apertura y el cierre en HH:MM \(p. ej. 09:00 14:00\)' -- \
    $e calendario especial 2026-12-24 09:00 14 Nochebuena
expect 2 '«24/12/2026» no es una fecha AAAA-MM-DD' -- \
    $e calendario especial 24/12/2026 09:00 14:00 Nochebuena
expect 2 'indique la fecha \(AAAA-MM-DD\) que vuelve a su horario de siempre' -- \
    $e calendario normal
expect 2 'acción desconocida: «borrar» \(ver, inhabil, habil, especial, normal, horario o cambios\)' -- \
    $e calendario borrar
expect 0 'calendario +horario de operación, días inhábiles y días con horario especial' -- $e --help
expect 2 'falta «--tipo»' -- $e etapa agregar 'Cita agendada'
expect 2 'indique el nombre de la etapa nueva' -- $e etapa agregar --tipo NORMAL
expect 2 '«--horas» son horas hábiles, un número mayor que 0' -- \
    $e etapa agregar Cita --tipo NORMAL --horas 0
expect 2 '«--intentos» es un número de 0 a 20' -- $e etapa agregar Fuera --tipo SALIDA --intentos 21
expect 2 'diga qué cambiar: «--nombre», «--horas», «--sin-timer» o «--intentos»' -- \
    $e etapa cambiar Contactado
expect 2 '«--horas» y «--sin-timer» no van juntas' -- $e etapa cambiar Nuevo --horas 8 --sin-timer
expect 2 'falta «--despues-de»' -- $e etapa mover Contactado
expect 2 'indique la ETAPA' -- $e etapa desactivar
expect 2 'acción desconocida: «borrar»' -- $e etapa borrar Nuevo
expect 0 'etapa +las etapas del embudo' -- $e --help
expect 0 'no-contactar +registro de no contactar' -- $e --help
expect 0 'uso: embudo asignar --cantidad N' -- $e asignar --help
expect 0 'uso: embudo bandeja' -- $e bandeja --help

cli_summary "cli crm"
