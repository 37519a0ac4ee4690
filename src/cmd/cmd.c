#include "cmd/cmd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"

const struct cmd_entry cmd_table[] = {
    { "version", "version", "muestra la versión", cmd_version_exec },
    { "db",
      "db init | start | stop | status | migrate | psql [ARGS…] | respaldar [ARCHIVO] [--forzar]"
      " | restaurar ARCHIVO",
      "clúster PostgreSQL embebido, migraciones, psql, respaldo y restauración", cmd_db_exec },
    { "demo", "demo [--clientes N] [--seed S] [--si-falta] [--actividad]",
      "carga datos demo deterministas (padrón, usuarios, embudo, calendario; con --actividad, "
      "una mañana de trabajo)",
      cmd_demo_exec },
    { "ui", "[ui]", "cliente de terminal (lo que corre sin comando)", cmd_ui_exec },
    { "asignar",
      "asignar --cantidad N [--convenio C] [--entidad E] [--edad-min A] [--edad-max B] "
      "[--clave K]",
      "pide N clientes del padrón (respeta el cupo del día)", cmd_asignar_exec },
    { "disponibles",
      "disponibles [--convenio C] [--entidad E] [--edad-min A] [--edad-max B] "
      "[--por convenio|entidad]",
      "cuántos clientes se pueden asignar con esos filtros", cmd_disponibles_exec },
    { "oportunidades", "oportunidades [--etapa E] [--promotor LOGIN] [--lote N]",
      "lista las oportunidades activas que usted ve, con su número", cmd_oportunidades_exec },
    { "oportunidad", "oportunidad OPORTUNIDAD",
      "muestra una oportunidad: sus datos, sus contactos y si el cliente salió del padrón",
      cmd_oportunidad_exec },
    { "buscar", "buscar TEXTO [--limite N]",
      "busca sus oportunidades (también las cerradas) por teléfono, CURP o parte del nombre",
      cmd_buscar_exec },
    { "mover", "mover OPORTUNIDAD ETAPA [--motivo M]",
      "mueve una oportunidad a otra etapa del embudo", cmd_mover_exec },
    { "intento", "intento OPORTUNIDAD RESULTADO [--nota N]",
      "registra un intento de contacto (no-contesta, buzon, numero-equivocado, no-interesado, "
      "cita, contactado)",
      cmd_intento_exec },
    { "venta",
      "venta OPORTUNIDAD --monto X --producto P --folio F\n"
      "     embudo venta corregir OPORTUNIDAD [--monto X] [--producto P] [--folio F] --motivo M\n"
      "     embudo venta cancelar OPORTUNIDAD --motivo M",
      "registra la venta de una oportunidad; un supervisor corrige lo que se tecleó mal o la "
      "cancela cuando la financiera no aprueba el crédito (la oportunidad pasa a la bandeja)",
      cmd_venta_exec },
    { "ventas",
      "ventas [--desde AAAA-MM-DD] [--hasta AAAA-MM-DD] [--promotor LOGIN] [--canceladas]",
      "las ventas registradas y su total (por omisión, las del mes): las suyas, las de su equipo "
      "o todas; --canceladas incluye las que la financiera no aprobó",
      cmd_ventas_exec },
    { "captar", "captar --nombre N --telefono T [--convenio C] [--curp CURP]",
      "registra un prospecto captado por usted", cmd_captar_exec },
    { "corregir", "corregir OPORTUNIDAD [--nombre N] [--telefono T] [--curp CURP] --motivo M",
      "corrige el nombre, el teléfono o la CURP de un prospecto captado (no los del padrón)",
      cmd_corregir_exec },
    { "bandeja",
      "bandeja | bandeja reasignar|devolver|descartar|reabrir ID… [--a LOGIN] --motivo M",
      "bandeja de salidas del equipo y sus decisiones (supervisores)", cmd_bandeja_exec },
    { "reasignar", "reasignar OPORTUNIDAD… --a LOGIN --motivo M",
      "pasa oportunidades a otro promotor del equipo (supervisores)", cmd_reasignar_exec },
    { "extender", "extender OPORTUNIDAD… --horas N --motivo M",
      "da N horas hábiles más al temporizador de etapa (supervisores)", cmd_extender_exec },
    { "prorroga",
      "prorroga [lista] [--todas] | prorroga pedir OPORTUNIDAD --hasta AAAA-MM-DD --motivo M |"
      " prorroga aprobar ID [--respuesta R] | prorroga rechazar ID --respuesta R |"
      " prorroga cancelar ID",
      "que el temporizador de etapa espere hasta una fecha: el promotor la pide, su supervisor"
      " decide",
      cmd_prorroga_exec },
    { "distribuir",
      "distribuir --cantidad N [--convenio C] [--entidad E] [--edad-min A] [--edad-max B] "
      "[--promotores LOGIN,…] [--vista-previa | --clave K]",
      "reparte N clientes del padrón entre los promotores del equipo, parejo dentro de su "
      "cupo (supervisores)",
      cmd_distribuir_exec },
    { "reparto", "reparto [--fecha AAAA-MM-DD]",
      "lo que recibió cada promotor en el día contra su cupo (supervisores: su equipo)",
      cmd_reparto_exec },
    { "usuario",
      "usuario [lista] | usuario crear LOGIN --nombre N --rol PROMOTOR|SUPERVISOR|ADMIN|AUDITOR"
      " [--supervisor S] [--cupo N] [--cartera N] | usuario estado LOGIN"
      " ACTIVO|AUSENTE|VACACIONES|BAJA [--motivo M] | usuario supervisor LOGIN SUPERVISOR |"
      " usuario limites LOGIN [--cupo N] [--cartera N] | usuario nombre LOGIN NOMBRE"
      " [--motivo M] | usuario cambios [LOGIN] [--limite N]",
      "usuarios del equipo: lista, alta, estado (también el supervisor: ausente, vacaciones),"
      " cambio de equipo, cupo, cartera, nombre y el registro de cambios",
      cmd_usuario_exec },
    { "calendario",
      "calendario [ver] [--desde AAAA-MM-DD] [--hasta AAAA-MM-DD]\n"
      "     embudo calendario inhabil AAAA-MM-DD NOMBRE\n"
      "     embudo calendario habil AAAA-MM-DD\n"
      "     embudo calendario especial AAAA-MM-DD HH:MM HH:MM NOMBRE\n"
      "     embudo calendario normal AAAA-MM-DD\n"
      "     embudo calendario horario DIA HH:MM HH:MM | embudo calendario horario DIA cerrado\n"
      "     embudo calendario cambios [--limite N]",
      "horario de operación, días inhábiles y días con horario especial; un administrador los "
      "cambia y los temporizadores en curso se recorren para conservar sus horas hábiles",
      cmd_calendario_exec },
    { "etapa",
      "etapa [lista]\n"
      "     embudo etapa agregar NOMBRE --tipo NORMAL|SALIDA [--horas N] [--despues-de ETAPA]"
      " [--intentos N]\n"
      "     embudo etapa cambiar ETAPA [--nombre N] [--horas N | --sin-timer] [--intentos N]\n"
      "     embudo etapa mover ETAPA --despues-de ETAPA\n"
      "     embudo etapa desactivar|activar ETAPA\n"
      "     embudo etapa cambios [--limite N]",
      "las etapas del embudo: cuántas oportunidades hay en cada una; un administrador las "
      "agrega, renombra, cambia su temporizador o su lugar y las saca del embudo",
      cmd_etapa_exec },
    { "sweep", "sweep [--once]",
      "devuelve al pool las oportunidades con el tiempo vencido (cada minuto)", cmd_sweep_exec },
    { "doctor", "doctor", "verifica las invariantes de la base de datos", cmd_doctor_exec },
    { "import",
      "import clientes ARCHIVO.csv [--rechazos RECHAZOS.csv] [--actualizar [--bajas [--forzar]]]",
      "carga clientes al padrón desde un CSV (docs/import.md)", cmd_import_exec },
    { "no-contactar",
      "no-contactar agregar TELEFONO [--fuente SOLICITUD|REUS|REPEP] [--registrado AAAA-MM-DD]"
      " [--detalle TEXTO]\n"
      "     embudo no-contactar importar ARCHIVO.csv|- --fuente REUS|REPEP [--detalle TEXTO]"
      " [--rechazos RECHAZOS.csv]\n"
      "     embudo no-contactar quitar TELEFONO --fuente F --motivo M\n"
      "     embudo no-contactar consultar TELEFONO\n"
      "     embudo no-contactar lista [--fuente F] [--todas] [--limite N] [--despues TELEFONO]\n"
      "     embudo no-contactar resumen",
      "registro de no contactar (REUS, REPEP, a petición): agregar, importar, quitar, "
      "consultar, lista, resumen",
      cmd_no_contactar_exec },
    { "arco",
      "arco [lista] [--pendientes]\n"
      "     embudo arco cancelar (--cliente ID | --prospecto ID | --oportunidad ID) --folio F"
      " [--recibida AAAA-MM-DD] [--plazo DIAS] [--detalle TEXTO]\n"
      "     embudo arco suprimir (FOLIO | --vencidas)\n"
      "     embudo arco acceso (--cliente ID | --prospecto ID | --oportunidad ID)"
      " [--salida ARCHIVO]",
      "datos personales (LFPDPPP): lo que se tiene de un titular; cancelarlos: bloquear y, al "
      "terminar el bloqueo, suprimir (administradores)",
      cmd_arco_exec },
    { "aviso", "aviso [lista] | aviso agregar VERSION --ubicacion U [--desde AAAA-MM-DD]",
      "versiones del aviso de privacidad y cuál está vigente; publicar una (administradores)",
      cmd_aviso_exec },
    { "wa",
      "wa link [--raw] [--telefono N] | wa conectar | wa status | wa unlink |"
      " wa revisar NUMERO… | wa enviar [--esperar enviado|entregado|leido] NUMERO TEXTO\n"
      "     embudo wa responder OPORTUNIDAD TEXTO [--clave K] | wa conversacion OPORTUNIDAD\n"
      "     embudo wa resolver MENSAJE (enviado|reenviar|descartar)\n"
      "     embudo wa cloud [lista] | wa cloud asignar LOGIN --numero-id ID |"
      " wa cloud quitar LOGIN | wa cloud probar (LOGIN | --numero-id ID)\n"
      "     embudo wa cloud plantilla ETAPA NOMBRE (--meta NOMBRE_EN_META [--idioma es_MX] |"
      " --quitar)\n"
      "     embudo wa webhook [--escuchar HOST:PUERTO]",
      "vincula la cuenta de WhatsApp del promotor (QR o código en el teléfono), prueba la "
      "sesión, estado, revisa números y envía un texto; contesta a un cliente que le escribió "
      "(24 horas) y muestra la conversación; decide un mensaje en duda; cuentas de la API "
      "oficial (Cloud API) y su webhook",
      cmd_wa_exec },
    { "campana",
      "campana crear --etapa E --texto T [--nombre N] [--convenio C] [--entidad E] [--maximo N]"
      " [--meta NOMBRE_EN_META [--idioma es_MX]]"
      " | campana lanzar|pausar|reanudar|cancelar|estado ID"
      " | campana lista [--estado E] [--promotor LOGIN]",
      "campañas de WhatsApp: crear (plan y omitidos), lanzar, pausar, estado; lista (las suyas, las"
      " de su equipo o todas, con sus cuentas)",
      cmd_campana_exec },
    { "respuestas", "respuestas [--pendientes] [--desde AAAA-MM-DD]",
      "lo que los clientes contestaron a las campañas y si alguien ya lo atendió (--pendientes: "
      "solo lo que falta atender)",
      cmd_respuestas_exec },
    { "informe",
      "informe [--desde AAAA-MM-DD] [--hasta AAAA-MM-DD] [--promotor LOGIN]"
      " | informe envejecimiento [--promotor LOGIN]",
      "el embudo en un rango de días: entradas y salidas por etapa, horas hábiles, por qué "
      "salen, y por promotor; o cuánto llevan las abiertas en su etapa (envejecimiento)",
      cmd_informe_exec },
    { "export",
      "export mensajes --desde AAAA-MM-DD --hasta AAAA-MM-DD [--salida ARCHIVO]\n"
      "     embudo export historial [--desde AAAA-MM-DD] [--hasta AAAA-MM-DD] [--promotor LOGIN]"
      " [--salida ARCHIVO]\n"
      "     embudo export ventas [--desde AAAA-MM-DD] [--hasta AAAA-MM-DD] [--promotor LOGIN]"
      " [--salida ARCHIVO]",
      "exporta a CSV los mensajes de campaña, el historial de las oportunidades o las ventas "
      "(con las canceladas; sin nombres de clientes)",
      cmd_export_exec },
    { "worker", "worker [--once] [--sin-envio | --solo-cloud]",
      "barrido de timers y envío de campañas sin terminal (cuentas con envío en servidor; un "
      "promotor, la suya); --sin-envio: solo barrido y supresión de datos; --solo-cloud: además, "
      "las cuentas de la API oficial de WhatsApp",
      cmd_worker_exec },
    { NULL, NULL, NULL, NULL },
};

const struct cmd_entry *
cmd_find(const char *name)
{
    for (const struct cmd_entry *c = cmd_table; c->name != NULL; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

int
cmd_usage(const struct cmd_entry *entry, const char *fmt, ...)
{
    va_list ap;

    if (fmt != NULL) {
        fputs("embudo: ", stderr);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
    if (entry != NULL)
        fprintf(stderr, "uso: embudo %s\n", entry->usage);
    else
        fputs("uso: embudo [opciones] [comando] [argumentos]\n"
              "Pruebe «embudo --help» para ver los comandos.\n",
              stderr);
    return 2;
}

/* "a, b, c o d" of the verbs' names into sb. */
static void
verbs_list(struct strbuf *sb, const struct cmd_verb *verbs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        strbuf_addf(sb, "%s%s", i == 0 ? "" : i + 1 == n ? " o " : ", ", verbs[i].name);
}

int
cmd_verbs_run(struct cmd_ctx *ctx, const char *command, const struct cmd_verb *verbs, size_t n,
              bool lista_por_omision)
{
    const struct cmd_entry *entry = cmd_find(command);
    struct strbuf sb;
    int status;

    if (ctx->argc == 0 || ctx->argv[0][0] == '-') {
        if (lista_por_omision)
            return verbs[0].run(ctx, entry, ctx->argc, ctx->argv);
    } else {
        for (size_t i = 0; i < n; i++)
            if (strcmp(ctx->argv[0], verbs[i].name) == 0)
                return verbs[i].run(ctx, entry, ctx->argc - 1, ctx->argv + 1);
    }
    strbuf_init(&sb);
    verbs_list(&sb, verbs, n);
    if (ctx->argc == 0 || ctx->argv[0][0] == '-')
        status = cmd_usage(entry, "falta la acción (%s)", sb.buf);
    else
        status = cmd_usage(entry, "acción desconocida: «%s» (%s)", ctx->argv[0], sb.buf);
    strbuf_fini(&sb);
    return status;
}

int
cmd_fail(const char *fmt, ...)
{
    va_list ap;

    fputs("embudo: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return 1;
}

static const struct cmd_opt *
cmd_opt_find(const struct cmd_opt *opts, const char *name, size_t len)
{
    for (const struct cmd_opt *o = opts; o != NULL && o->name != NULL; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

int
cmd_parse(const struct cmd_entry *entry, int argc, char **argv, const struct cmd_opt *opts,
          char **pos, int npos_max, int *npos_out)
{
    int npos = 0;
    bool only_pos = false;

    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];

        if (only_pos || a[0] != '-' || a[1] == '\0' ||
            (a[1] >= '0' && a[1] <= '9')) {
            if (npos >= npos_max)
                return cmd_usage(entry, "argumento de más: «%s»", a);
            pos[npos++] = argv[i];
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = true;
            continue;
        }
        if (a[1] != '-')
            return cmd_usage(entry, "opción desconocida: «%s»", a);
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);
        const struct cmd_opt *o = cmd_opt_find(opts, name, len);
        if (o == NULL)
            return cmd_usage(entry, "opción desconocida: «--%.*s»", (int)len, name);
        if (!o->has_arg) {
            if (eq != NULL)
                return cmd_usage(entry, "la opción «--%s» no lleva valor", o->name);
            *o->flag = true;
            continue;
        }
        if (eq != NULL) {
            *o->value = eq + 1;
        } else {
            if (i + 1 >= argc)
                return cmd_usage(entry, "falta el valor de «--%s»", o->name);
            *o->value = argv[++i];
        }
    }
    if (npos_out != NULL)
        *npos_out = npos;
    return 0;
}

bool
cmd_parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    if (s == NULL || *s == '\0')
        return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}
