#include "core/demo_actividad.h"

#include <stddef.h>

#include "core/demo.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Indexes into demo_etapas (core/demo.c). */
enum {
    CONTACTADO = 1,
    INTERESADO,
    DOCUMENTACION,
    EN_TRAMITE,
    NO_LOCALIZADO = 6,
    NO_INTERESADO,
    NO_CALIFICA
};

static const struct {
    const char *clave;
    bool pensionados;
    int peso;
} convenios[] = {
    { "IMSS-PENSIONADOS", true, 30 },   { "IMSS", false, 20 },   { "SEP", false, 15 },
    { "ISSSTE-PENSIONADOS", true, 15 }, { "ISSSTE", false, 10 }, { "GEM", false, 10 },
};

void
demo_actividad_pedido(struct rng *r, struct demo_pedido *out)
{
    int total = 0, k;
    size_t i;

    for (i = 0; i < LEN(convenios); i++)
        total += convenios[i].peso;
    k = (int)rng_below(r, (uint64_t)total);
    for (i = 0; i + 1 < LEN(convenios) && k >= convenios[i].peso; i++)
        k -= convenios[i].peso;
    out->convenio = convenios[i].clave;
    out->pensionados = convenios[i].pensionados;
    out->cantidad = (int)rng_range(r, 8, 14);
}

static const char *
una(struct rng *r, const char *const *v, size_t n)
{
    return v[rng_below(r, n)];
}
#define UNA(r, v) una((r), (v), LEN(v))

static const char *const motivos_contacto[] = {
    "contestó; pide que le marquen por la tarde",
    "contestó; quiere saber cuánto le prestan",
    "contestó en el trabajo; llamar después de las 4",
};
static const char *const notas_interes[] = {
    "le interesa liquidar otro crédito",
    "quiere un monto para remodelar su casa",
    "pregunta por la tasa y el plazo máximo",
    "lo va a platicar con su esposa",
};
static const char *const notas_documentos[] = {
    "se le envió la lista de documentos por WhatsApp",
    "falta el último talón de pago",
    "trae INE y comprobante de domicilio el lunes",
};
static const char *const motivos_no_localizado[] = {
    "no contesta ni devuelve la llamada",
    "siempre manda a buzón",
    "el número es de otra persona",
};
static const char *const motivos_no_interesado[] = {
    "ya tiene un crédito con otra financiera",
    "no quiere endeudarse por ahora",
    "le pareció alta la tasa",
};
static const char *const motivos_no_califica[] = {
    "no le alcanza la capacidad de pago",
    "tiene descuentos que superan el límite",
    "está por jubilarse y cambia su ingreso",
};

struct plan {
    struct demo_paso *out;
    int n;
};

static void
paso(struct plan *p, enum demo_paso_tipo t, const char *a, const char *motivo, long monto)
{
    if (p->n < DEMO_PASOS_MAX)
        p->out[p->n++] = (struct demo_paso){ t, a, motivo, monto };
}

static void
mover(struct plan *p, int etapa, const char *motivo)
{
    paso(p, DEMO_PASO_MOVER, demo_etapas[etapa].nombre, motivo, 0);
}

/* Contacted, then on through the stages up to `hasta` (an index of demo_etapas). */
static void
avanzar(struct plan *p, struct rng *r, int hasta)
{
    paso(p, DEMO_PASO_INTENTO, "CONTACTADO", NULL, 0);
    mover(p, CONTACTADO, UNA(r, motivos_contacto));
    if (hasta >= INTERESADO) {
        paso(p, DEMO_PASO_INTENTO, "CITA", "cita para revisar la propuesta", 0);
        mover(p, INTERESADO, NULL);
        paso(p, DEMO_PASO_NOTA, UNA(r, notas_interes), NULL, 0);
    }
    if (hasta >= DOCUMENTACION) {
        mover(p, DOCUMENTACION, NULL);
        paso(p, DEMO_PASO_NOTA, UNA(r, notas_documentos), NULL, 0);
    }
    if (hasta >= EN_TRAMITE)
        mover(p, EN_TRAMITE, "expediente completo");
}

int
demo_actividad_pasos(struct rng *r, const struct demo_pedido *pedido,
                     struct demo_paso out[DEMO_PASOS_MAX])
{
    struct plan p = { out, 0 };
    int k = (int)rng_below(r, 100);

    if (k < 30) /* untouched */
        return 0;
    if (k < 40) {
        paso(&p, DEMO_PASO_INTENTO, "NO_CONTESTA", NULL, 0);
        if (rng_chance(r, RNG_PPM_ONE / 3))
            paso(&p, DEMO_PASO_INTENTO, "BUZON", "se le dejó mensaje", 0);
    } else if (k < 58) {
        avanzar(&p, r, CONTACTADO);
    } else if (k < 68) {
        avanzar(&p, r, INTERESADO);
    } else if (k < 75) {
        avanzar(&p, r, DOCUMENTACION);
    } else if (k < 79) {
        avanzar(&p, r, EN_TRAMITE);
    } else if (k < 82) {
        avanzar(&p, r, EN_TRAMITE);
        paso(&p, DEMO_PASO_VENTA,
             pedido->pensionados ? "Crédito para pensionados" : "Crédito de nómina", NULL,
             500 * (long)rng_range(r, 20, 300));
    } else if (k < 90) {
        paso(&p, DEMO_PASO_INTENTO, "NO_CONTESTA", NULL, 0);
        paso(&p, DEMO_PASO_INTENTO, rng_chance(r, RNG_PPM_ONE / 4) ? "NUMERO_EQUIVOCADO" : "BUZON",
             NULL, 0);
        mover(&p, NO_LOCALIZADO, UNA(r, motivos_no_localizado));
    } else if (k < 96) {
        paso(&p, DEMO_PASO_INTENTO, "NO_INTERESADO", NULL, 0);
        mover(&p, NO_INTERESADO, UNA(r, motivos_no_interesado));
    } else {
        avanzar(&p, r, CONTACTADO);
        mover(&p, NO_CALIFICA, UNA(r, motivos_no_califica));
    }
    return p.n;
}
