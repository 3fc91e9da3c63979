/* Seal a record and verify it through the Pouch C ABI (docs/binding-c.md).
 *
 * usage: seal_verify PKI_DIR LABEL_FILE
 *   PKI_DIR     a folder with bundle.toml and NOR/signer-ES384.{key.pem,pem}
 *               (test-vectors/envelopes/pki)
 *   LABEL_FILE  a label in JSON, XML or CBOR
 * Exits 0 when the sealed envelope verifies, is trusted, and a tampered copy does not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pouch.h"

/* Reads a whole file; returns NULL (and prints why) on failure. */
static uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return NULL;
    }
    uint8_t *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len == cap) {
            cap = cap ? cap * 2 : 4096;
            uint8_t *grown = realloc(buf, cap);
            if (grown == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
        }
        size_t n = fread(buf + *len, 1, cap - *len, f);
        if (n == 0) {
            break;
        }
        *len += n;
    }
    fclose(f);
    return buf;
}

/* Prints the last error of a failed call and returns 1. */
static int fail(const char *what, pouch_status status) {
    fprintf(stderr, "%s: status %d, %s (code %s)\n", what, (int)status, pouch_last_error(),
            pouch_last_error_code());
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s PKI_DIR LABEL_FILE\n", argv[0]);
        return 2;
    }
    char key_path[4096], chain_path[4096], bundle_path[4096];
    snprintf(key_path, sizeof key_path, "%s/NOR/signer-ES384.key.pem", argv[1]);
    snprintf(chain_path, sizeof chain_path, "%s/NOR/signer-ES384.pem", argv[1]);
    snprintf(bundle_path, sizeof bundle_path, "%s/bundle.toml", argv[1]);

    int rc = 1;
    size_t label_len = 0, key_len = 0, chain_len = 0, env_len = 0;
    uint8_t *label = read_file(argv[2], &label_len);
    uint8_t *key = read_file(key_path, &key_len);
    uint8_t *chain = read_file(chain_path, &chain_len);
    uint8_t *envelope = NULL;
    PouchVerifyContext *ctx = NULL;
    PouchReport *report = NULL, *tampered_report = NULL;
    char *json = NULL;
    if (label == NULL || key == NULL || chain == NULL) {
        goto done;
    }

    /* 1. Seal: the signing time is fixed so that it lies inside the test certificates'
     *    validity; a real sender leaves it NULL (now). */
    const uint8_t record[] = "a record for the coalition";
    PouchSealOptions options = {0};
    options.content_type = "text/plain";
    options.signing_time = "2026-11-28T10:00:00Z";
    pouch_status s = pouch_seal(label, label_len, record, sizeof record - 1, key, key_len, chain,
                                chain_len, &options, &envelope, &env_len);
    if (s != POUCH_OK) {
        rc = fail("seal", s);
        goto done;
    }
    printf("sealed an envelope of %zu bytes\n", env_len);

    /* 2. Verify against the trust bundle, at a fixed time. */
    if ((s = pouch_verify_context_new(NULL, &ctx)) != POUCH_OK) {
        rc = fail("context", s);
        goto done;
    }
    if ((s = pouch_verify_context_load_trust(ctx, bundle_path)) != POUCH_OK ||
        (s = pouch_verify_context_set_at(ctx, "2026-11-28T11:00:00Z")) != POUCH_OK) {
        rc = fail("context settings", s);
        goto done;
    }
    if ((s = pouch_verify(ctx, envelope, env_len, NULL, 0, &report)) != POUCH_OK) {
        rc = fail("verify", s);
        goto done;
    }
    bool valid = false, signature_valid = false, trusted = false;
    size_t seals = 0;
    uint8_t exit_class = 255;
    if ((s = pouch_report_is_valid(report, &valid)) != POUCH_OK ||
        (s = pouch_report_exit_class(report, &exit_class)) != POUCH_OK ||
        (s = pouch_report_seal_count(report, &seals)) != POUCH_OK ||
        (s = pouch_report_seal_signature_valid(report, 0, &signature_valid)) != POUCH_OK ||
        (s = pouch_report_seal_signer_trusted(report, 0, &trusted)) != POUCH_OK ||
        (s = pouch_report_json(report, &json)) != POUCH_OK) {
        rc = fail("report", s);
        goto done;
    }
    printf("report: %s\n", json);
    printf("valid=%d seals=%zu signature_valid=%d trusted=%d exit_class=%u\n", valid, seals,
           signature_valid, trusted, (unsigned)exit_class);

    /* 3. A copy with one byte of the record flipped must fail at the seal stage (10). */
    uint8_t *pos = NULL;
    for (size_t i = 0; i + 6 <= env_len; i++) {
        if (memcmp(envelope + i, "record", 6) == 0) {
            pos = envelope + i;
            break;
        }
    }
    uint8_t tampered_class = 255;
    if (pos == NULL) {
        fprintf(stderr, "the record is not in the envelope\n");
        goto done;
    }
    *pos ^= 1;
    if ((s = pouch_verify(ctx, envelope, env_len, NULL, 0, &tampered_report)) != POUCH_OK ||
        (s = pouch_report_exit_class(tampered_report, &tampered_class)) != POUCH_OK) {
        rc = fail("verify tampered", s);
        goto done;
    }
    printf("tampered copy: exit_class=%u\n", (unsigned)tampered_class);

    /* 4. Errors: a label that is not one is refused with its status code. */
    uint8_t *unused = NULL;
    size_t unused_len = 0;
    s = pouch_seal((const uint8_t *)"{}", 2, record, 1, key, key_len, chain, chain_len, NULL,
                   &unused, &unused_len);
    printf("sealing a bad label: status %d, code %s\n", (int)s, pouch_last_error_code());

    rc = (valid && seals == 1 && signature_valid && trusted && exit_class == 0 &&
          tampered_class == 10 && s == POUCH_ERR_STATUS &&
          strcmp(pouch_last_error_code(), "label.malformed") == 0)
             ? 0
             : 1;
    printf("%s\n", rc == 0 ? "OK" : "UNEXPECTED");

done:
    pouch_string_free(json);
    pouch_report_free(tampered_report);
    pouch_report_free(report);
    pouch_verify_context_free(ctx);
    pouch_bytes_free(envelope, env_len);
    free(chain);
    free(key);
    free(label);
    return rc;
}
