#include "core/optout.h"

#include <stddef.h>
#include <string.h>

#define MAX_TOKENS 128
#define NORM_BYTES 2048 /* longer messages are judged on their first part */

struct toks {
    char buf[NORM_BYTES];
    const char *s[MAX_TOKENS];
    size_t n[MAX_TOKENS];
    size_t count;
};

/* Whole-message keywords and the words that may surround them. */
static const char *const keywords[] = {
    "baja", "alto", "stop", "basta", "cancelar", "unsubscribe", "desuscribir", "parar",
};
static const char *const fillers[] = {
    "por",    "favor", "porfa", "porfavor", "xfa",   "plis",  "please", "pls", "ya",  "gracias",
    "muchas", "ok",    "okay",  "si",       "ahora", "mismo", "de",     "una", "vez",
};

/* Phrases that are an opt-out wherever they appear, each with its rule text. */
static const struct phrase {
    const char *words;
    const char *rule;
} phrases[] = {
    { "no me interesa", "frase «no me interesa»" },
    { "no me interesan", "frase «no me interesa»" },
    { "no nos interesa", "frase «no me interesa»" },
    { "no me intereza", "frase «no me interesa»" },
    { "no estoy interesado", "frase «no estoy interesado»" },
    { "no estoy interesada", "frase «no estoy interesado»" },
    { "no tengo interes", "frase «no tengo interés»" },
    { "no me escriba", "frase «no me escriban»" },
    { "no me escriban", "frase «no me escriban»" },
    { "no me escribas", "frase «no me escriban»" },
    { "no me vuelva a escribir", "frase «no me vuelvan a escribir»" },
    { "no me vuelvan a escribir", "frase «no me vuelvan a escribir»" },
    { "no vuelvan a escribir", "frase «no me vuelvan a escribir»" },
    { "no me mande", "frase «no me manden»" },
    { "no me manden", "frase «no me manden»" },
    { "no me mandes", "frase «no me manden»" },
    { "no me envie", "frase «no me envíen»" },
    { "no me envien", "frase «no me envíen»" },
    { "no me envies", "frase «no me envíen»" },
    { "no me contacte", "frase «no me contacten»" },
    { "no me contacten", "frase «no me contacten»" },
    { "no me llamen", "frase «no me llamen»" },
    { "no me moleste", "frase «no me molesten»" },
    { "no me molesten", "frase «no me molesten»" },
    { "no me molestes", "frase «no me molesten»" },
    { "dejen de", "frase «dejen de escribir»" }, /* completed by stop_verbs below */
    { "deje de", "frase «dejen de escribir»" },
    { "deja de", "frase «dejen de escribir»" },
    { "no quiero recibir", "frase «no quiero recibir»" },
    { "no deseo recibir", "frase «no quiero recibir»" },
    { "no quiero mas mensajes", "frase «no quiero más mensajes»" },
    { "no quiero mensajes", "frase «no quiero más mensajes»" },
    { "no quiero que me escriban", "frase «no quiero que me escriban»" },
    { "no quiero que me manden", "frase «no quiero que me escriban»" },
    { "no quiero que me contacten", "frase «no quiero que me escriban»" },
    { "borrenme", "frase «bórrenme de su lista»" },
    { "borreme", "frase «bórrenme de su lista»" },
    { "borrame", "frase «bórrenme de su lista»" },
    { "sacame", "frase «sáquenme de su lista»" },
    { "saquenme", "frase «sáquenme de su lista»" },
    { "saqueme", "frase «sáquenme de su lista»" },
    { "quitenme", "frase «quítenme de su lista»" },
    { "quiteme", "frase «quítenme de su lista»" },
    { "quitame", "frase «quítenme de su lista»" },
    { "eliminenme", "frase «elimínenme de su lista»" },
    { "elimineme", "frase «elimínenme de su lista»" },
    { "eliminen mi numero", "frase «eliminen mi número»" },
    { "borren mi numero", "frase «eliminen mi número»" },
    { "cancelar suscripcion", "frase «cancelar suscripción»" },
    { "cancelar mi suscripcion", "frase «cancelar suscripción»" },
    { "ya basta", "frase «ya basta»" },
    { "numero equivocado", "frase «número equivocado»" },
    { "se equivoco de numero", "frase «número equivocado»" },
    { "se equivocaron de numero", "frase «número equivocado»" },
};

/* What may follow "dejen de" for it to be a request to stop. */
static const char *const stop_verbs[] = {
    "escribir", "escribirme", "mandar",    "mandarme",    "enviar", "enviarme",
    "molestar", "molestarme", "contactar", "contactarme", "llamar", "llamarme",
};

/* Verbs that make "… de baja" a request: "dame de baja", "me pueden dar de baja". */
static const char *const baja_verbs[] = {
    "dame", "denme", "deme", "darme", "dar", "den", "de", "dan", "doy", "des", "das", "darnos",
};

/* After "de baja del/de la/de mi …", the things that mean our list (else it is about the
 * person's employer or agreement: "me di de baja del IMSS"). */
static const char *const our_list[] = {
    "lista",  "base",   "mensajes",  "whatsapp", "campana", "difusion",
    "envios", "numero", "contactos", "sus",      "su",
};

/* After "pero"/"sino", words that show the person still wants something. */
static const char *const interest[] = {
    "si", "interesa", "quiero", "quisiera", "cuanto", "informacion", "info",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The ASCII letter for a two-byte UTF-8 Latin-1 letter (C3 xx), or 0. */
static char
fold_latin1(unsigned char b)
{
    static const char map[64] = "aaaaaaaceeeeiiiidnooooo*ouuuuy**aaaaaaaceeeeiiiidnooooo/ouuuuy*y";
    char c;

    if (b < 0x80 || b > 0xbf)
        return 0;
    c = map[b - 0x80];
    return c >= 'a' && c <= 'z' ? c : 0;
}

/* Appends c to the current token, dropping a repeat of the letter before it. */
static void
add_char(struct toks *t, size_t *len, bool *in_tok, char c)
{
    if (*len + 2 >= NORM_BYTES || (t->count == MAX_TOKENS && !*in_tok))
        return;
    if (!*in_tok) {
        t->s[t->count] = t->buf + *len;
        t->n[t->count++] = 0;
        *in_tok = true;
    } else if (t->buf[*len - 1] == c && c >= 'a' && c <= 'z') {
        return; /* "baaaja" -> "baja"; the patterns are folded the same way */
    }
    t->buf[(*len)++] = c;
    t->n[t->count - 1]++;
}

/* Lower-cases, strips accents and splits text into words of letters and digits. */
static void
tokenize(const char *text, struct toks *t)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t len = 0;
    bool in_tok = false;

    t->count = 0;
    while (*p != '\0') {
        char c = 0;

        if (*p < 0x80) {
            c = (char)(*p >= 'A' && *p <= 'Z' ? *p + ('a' - 'A') : *p);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
                c = 0;
            p++;
        } else if (*p == 0xc3 && p[1] != '\0') {
            c = fold_latin1(p[1]);
            p += 2;
        } else {
            p++;
            while ((*p & 0xc0) == 0x80)
                p++;
        }
        if (c != 0) {
            add_char(t, &len, &in_tok, c);
        } else if (in_tok) {
            t->buf[len++] = '\0';
            in_tok = false;
        }
    }
}

static bool
tok_is(const struct toks *t, size_t i, const char *w)
{
    return i < t->count && strlen(w) == t->n[i] && memcmp(t->s[i], w, t->n[i]) == 0;
}

static bool
tok_in(const struct toks *t, size_t i, const char *const *set, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (tok_is(t, i, set[k]))
            return true;
    return false;
}

/* Does the folded phrase pattern occur at token i? Sets *end past the match. */
static bool
match_at(const struct toks *t, size_t i, const struct toks *pat, size_t *end)
{
    for (size_t k = 0; k < pat->count; k++)
        if (i + k >= t->count || t->n[i + k] != pat->n[k] ||
            memcmp(t->s[i + k], pat->s[k], pat->n[k]) != 0)
            return false;
    *end = i + pat->count;
    return true;
}

/* Whole message made of keywords and politeness only: "BAJA por favor", "alto ya". */
static const char *
whole_message_rule(const struct toks *t)
{
    static const char *const rules[] = {
        "palabra clave «baja»",        "palabra clave «alto»",     "palabra clave «stop»",
        "palabra clave «basta»",       "palabra clave «cancelar»", "palabra clave «unsubscribe»",
        "palabra clave «desuscribir»", "palabra clave «parar»",
    };
    const char *rule = NULL;
    bool no = false, thanks = false;

    for (size_t i = 0; i < t->count; i++) {
        size_t k;

        for (k = 0; k < COUNT(keywords) && !tok_is(t, i, keywords[k]); k++)
            ;
        if (k < COUNT(keywords))
            rule = rule != NULL ? rule : rules[k];
        else if (tok_is(t, i, "no"))
            no = true;
        else if (!tok_in(t, i, fillers, COUNT(fillers)))
            return NULL;
        thanks |= tok_is(t, i, "gracias");
    }
    if (rule == NULL && no && thanks)
        return "respuesta «no, gracias»";
    return no ? NULL : rule;
}

/* "no me interesa el seguro pero sí el préstamo": a contrast that keeps interest. */
static bool
contrast_after(const struct toks *t, size_t from)
{
    for (size_t i = from; i < t->count; i++)
        if (tok_is(t, i, "pero") || tok_is(t, i, "sino"))
            return tok_in(t, i + 1, interest, COUNT(interest)) ||
                   tok_in(t, i + 2, interest, COUNT(interest));
    return false;
}

/* "dame de baja", "me pueden dar de baja de su lista", not "me di de baja del IMSS". */
static bool
baja_request_at(const struct toks *t, size_t i)
{
    size_t noun;

    if (i == 0 || !tok_is(t, i, "de") || !tok_is(t, i + 1, "baja") ||
        !tok_in(t, i - 1, baja_verbs, COUNT(baja_verbs)))
        return false;
    if (tok_is(t, i + 2, "del"))
        noun = i + 3;
    else if (tok_is(t, i + 2, "de") &&
             (tok_is(t, i + 3, "la") || tok_is(t, i + 3, "mi") || tok_is(t, i + 3, "el")))
        noun = i + 4;
    else
        return true;
    return noun >= t->count || tok_in(t, noun, our_list, COUNT(our_list));
}

static const char *
phrase_rule(const struct toks *t)
{
    struct toks pat;
    size_t end;

    for (size_t p = 0; p < COUNT(phrases); p++) {
        tokenize(phrases[p].words, &pat);
        for (size_t i = 0; i < t->count; i++) {
            if (!match_at(t, i, &pat, &end))
                continue;
            if (tok_is(t, i, "no") && i > 0 && tok_is(t, i - 1, "si"))
                continue; /* "si no me interesa le aviso": a condition */
            if (tok_is(&pat, 0, "deje") || tok_is(&pat, 0, "dejen") || tok_is(&pat, 0, "deja"))
                if (!tok_in(t, end, stop_verbs, COUNT(stop_verbs)))
                    continue;
            if (contrast_after(t, end))
                continue;
            return phrases[p].rule;
        }
    }
    for (size_t i = 0; i < t->count; i++)
        if (baja_request_at(t, i))
            return "frase «dame de baja»";
    return NULL;
}

bool
optout_detect(const char *text, const char **rule)
{
    struct toks t;
    const char *r;

    tokenize(text, &t);
    r = t.count == 0 ? NULL : whole_message_rule(&t);
    if (r == NULL && t.count > 0)
        r = phrase_rule(&t);
    if (rule != NULL)
        *rule = r;
    return r != NULL;
}
