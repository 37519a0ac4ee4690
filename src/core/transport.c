#include "core/transport.h"

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

int
transport_connect(struct transport *t, struct err *e)
{
    assert(t != NULL && t->ops != NULL);
    return t->ops->connect(t, e);
}

void
transport_disconnect(struct transport *t)
{
    assert(t != NULL && t->ops != NULL);
    t->ops->disconnect(t);
}

/* Digits only, 10 to 15 of them (country code included). */
static bool
phone_ok(const char *phone)
{
    size_t n;

    if (phone == NULL)
        return false;
    for (n = 0; phone[n] != '\0'; n++)
        if (n >= 15 || phone[n] < '0' || phone[n] > '9')
            return false;
    return n >= 10;
}

int
transport_link_code(struct transport *t, const char *phone, struct err *e)
{
    assert(t != NULL && t->ops != NULL);
    if (t->ops->link_code == NULL)
        return err_set(e, RC_INVAL, "este transporte no vincula con código");
    if (!phone_ok(phone))
        return err_set(e, RC_INVAL,
                       "número inválido para vincular: se esperan de 10 a 15 dígitos, con el "
                       "código de país y sin «+»");
    return t->ops->link_code(t, phone, e);
}

int
transport_send_text(struct transport *t, const char *to, const char *msg_id, const char *text,
                    struct err *e)
{
    assert(t != NULL && t->ops != NULL);
    if (to == NULL || to[0] == '\0' || msg_id == NULL || msg_id[0] == '\0' || text == NULL)
        return err_set(e, RC_INVAL, "envío incompleto: faltan destinatario, identificador o texto");
    return t->ops->send_text(t, to, msg_id, text, e);
}

int
transport_presence(struct transport *t, const char *to, enum transport_presence p, struct err *e)
{
    assert(t != NULL && t->ops != NULL);
    if (p != TRANSPORT_PRESENCE_AVAILABLE && (to == NULL || to[0] == '\0'))
        return err_set(e, RC_INVAL, "presencia «%s» sin destinatario", transport_presence_name(p));
    if (t->ops->presence == NULL)
        return RC_OK;
    return t->ops->presence(t, to, p, e);
}

int
transport_check_numbers(struct transport *t, uint64_t request_id, const char *const *numbers,
                        size_t n, struct err *e)
{
    assert(t != NULL && t->ops != NULL);
    if (t->ops->check_numbers == NULL)
        return err_set(e, RC_INVAL, "este transporte no verifica números");
    if (n == 0 || numbers == NULL)
        return err_set(e, RC_INVAL, "consulta de números vacía");
    for (size_t i = 0; i < n; i++)
        if (numbers[i] == NULL || numbers[i][0] == '\0')
            return err_set(e, RC_INVAL, "número vacío en la posición %zu de la consulta", i + 1);
    return t->ops->check_numbers(t, request_id, numbers, n, e);
}

bool
transport_can_check(const struct transport *t)
{
    assert(t != NULL && t->ops != NULL);
    return t->ops->check_numbers != NULL;
}

void
transport_free(struct transport *t)
{
    if (t == NULL)
        return;
    t->ops->free(t);
}

int64_t
transport_now(const struct transport *t)
{
    return t->clock.now_ms(t->clock.ctx);
}

const char *
transport_close_name(int code)
{
    switch (code) {
    case TRANSPORT_CLOSE_NETWORK:
        return "error de red";
    case TRANSPORT_CLOSE_LOCAL:
        return "desconexión solicitada";
    case TRANSPORT_CLOSE_CREDENTIALS:
        return "el proveedor rechazó las credenciales";
    case TRANSPORT_CLOSE_LOGGED_OUT:
        return "sesión cerrada desde el teléfono";
    case TRANSPORT_CLOSE_FORBIDDEN:
        return "cuenta bloqueada o restringida por WhatsApp";
    case TRANSPORT_CLOSE_TIMED_OUT:
        return "tiempo de espera agotado";
    case TRANSPORT_CLOSE_MD_MISMATCH:
        return "dispositivo vinculado incompatible";
    case TRANSPORT_CLOSE_CLOSED:
        return "el servidor cerró la conexión";
    case TRANSPORT_CLOSE_REPLACED:
        return "otra sesión tomó esta cuenta";
    case TRANSPORT_CLOSE_BAD_SESSION:
        return "error de sesión en el servidor";
    case TRANSPORT_CLOSE_UNAVAILABLE:
        return "servicio no disponible";
    case TRANSPORT_CLOSE_RESTART:
        return "reinicio requerido";
    default:
        break;
    }
    if (code >= 500 && code <= 599)
        return "error del servidor";
    return "cierre desconocido";
}

const char *
transport_presence_name(enum transport_presence p)
{
    switch (p) {
    case TRANSPORT_PRESENCE_AVAILABLE:
        return "en línea";
    case TRANSPORT_PRESENCE_COMPOSING:
        return "escribiendo";
    case TRANSPORT_PRESENCE_PAUSED:
        return "en pausa";
    }
    return "?";
}

const char *
transport_receipt_name(enum transport_receipt r)
{
    switch (r) {
    case TRANSPORT_RECEIPT_DELIVERED:
        return "entregado";
    case TRANSPORT_RECEIPT_READ:
        return "leído";
    }
    return "?";
}
