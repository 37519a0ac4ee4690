#include "core/qr_text.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <qrencode.h>

#include "util/err.h"
#include "util/strbuf.h"

/* True when module (x, y) of the padded square is lit (see the header). */
static bool
qr_text_lit(const QRcode *q, int quiet, int x, int y, bool dark_lit)
{
    bool dark = false;

    x -= quiet;
    y -= quiet;
    if (x >= 0 && y >= 0 && x < q->width && y < q->width)
        dark = (q->data[(size_t)y * (size_t)q->width + (size_t)x] & 1) != 0;
    return dark_lit ? dark : !dark;
}

int
qr_text_render(const char *data, bool dark_lit, int quiet, char **out, struct err *e)
{
    static const char *const glyph[4] = { " ", "\xe2\x96\x84", "\xe2\x96\x80", "\xe2\x96\x88" };
    struct strbuf sb;
    QRcode *q;
    int side;

    *out = NULL;
    if (data == NULL || data[0] == '\0')
        return err_set(e, RC_INVAL, "QR: texto vacío");
    if (quiet < 0 || quiet > 16)
        return err_set(e, RC_INVAL, "QR: margen fuera de 0..16");
    q = QRcode_encodeString8bit(data, 0, QR_ECLEVEL_L);
    if (q == NULL)
        return err_set(e, RC_INVAL, "QR: no se pudo codificar (%s)",
                       errno == ERANGE ? "demasiado largo" : "entrada inválida");
    side = q->width + 2 * quiet;
    strbuf_init(&sb);
    for (int y = 0; y < side; y += 2) {
        for (int x = 0; x < side; x++) {
            int top = qr_text_lit(q, quiet, x, y, dark_lit) ? 2 : 0;
            int bottom = y + 1 < side && qr_text_lit(q, quiet, x, y + 1, dark_lit) ? 1 : 0;

            strbuf_addstr(&sb, glyph[top | bottom]);
        }
        strbuf_addch(&sb, '\n');
    }
    QRcode_free(q);
    *out = strbuf_detach(&sb, NULL);
    return RC_OK;
}
