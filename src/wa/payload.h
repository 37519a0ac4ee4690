/*
 * payload — the ClientPayload protobuf that rides in the Noise ClientFinish (guide §4),
 * and the browser-derived ids the QR string and DeviceProps use.
 *
 * Login (paired device): Baileys 7.0.0-rc14's generateLoginNode, byte for byte (guide
 * Appendix A). Registration (first pairing): generateRegistrationNode, with the signed
 * pre-key, identity and registration id from the credentials, buildHash = MD5 of the
 * dotted version and an encoded DeviceProps. Built with the protoc-c subset in
 * src/wa/proto/wa.proto. Pure; any thread.
 */
#ifndef WA_PAYLOAD_H
#define WA_PAYLOAD_H

#include <stdint.h>

struct err;
struct strbuf;
struct wa_creds;
struct wa_session_config;

/* Splits a device JID "15550001111:3@s.whatsapp.net" (an "_agent" part is allowed and
 * ignored) into the user number and the device (has_device false when there is no ":").
 * RC_INVAL when the user is not 1..20 digits that fit in uint64 or the device is not
 * 0..65535. */
int wa_payload_parse_jid(const char *jid, uint64_t *user, uint32_t *device, int *has_device,
                         struct err *e) __attribute__((warn_unused_result));

/* Appends the login ClientPayload for our jid to out. RC_INVAL on a bad jid. */
int wa_payload_login(const struct wa_session_config *cfg, const char *jid, struct strbuf *out,
                     struct err *e) __attribute__((warn_unused_result));

/* Appends the registration ClientPayload for creds to out. RC_CRYPTO when MD5 fails. */
int wa_payload_registration(const struct wa_session_config *cfg, const struct wa_creds *c,
                            struct strbuf *out, struct err *e) __attribute__((warn_unused_result));

/* The QR's platform id (CompanionWebClientType) for a browser: Chrome 1, Edge 2, Firefox 3,
 * IE 4, Opera 5, Safari 6, "Desktop" 7 (8 on Windows), anything else 9. */
int wa_payload_platform_id(const char *os, const char *browser);

/* DeviceProps.PlatformType for a browser name, upper-cased (CHROME 1 … SMARTGLASSES 24;
 * "android" → ANDROID_PHONE 16); CHROME when unknown. */
int wa_payload_platform_type(const char *browser);

#endif
