/* Encrypt a record to two nations and open it through the Pouch C ABI (docs/binding-c.md,
 * spec/10-encryption.md), streaming through callbacks: the record is read from memory, the
 * detached ciphertext written to and read back from a temporary file, the plaintext written
 * to a growing buffer.
 *
 * usage: encrypt_open PKI_DIR
 *   PKI_DIR  `pouch pki demo --seed 7 --encryption --out PKI_DIR`: bundle.toml,
 *            NOR/signer-ES384.{key.pem,pem}, NAT/encrypt-ALG.{pem,key.pem},
 *            policies/pouch-demo.spif.xml
 * Exits 0 when Denmark (X-Wing) and the Netherlands (P-384) open what Norway encrypted to
 * them, a wrong key gets the decrypt exit class and no plaintext, Norway (not released to)
 * is refused at sealing with a release code, and a recipient added later opens it too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pouch.h"

#define RECORD_LEN ((size_t)200 * 1024) /* several 64 KiB chunks */

static const char LABEL[] =
    "{\"confidentialityInformation\":{\"policyIdentifier\":\"POUCH-DEMO\","
    "\"classification\":\"SECRET\",\"categories\":[{\"tagName\":\"Releasable To\","
    "\"type\":\"PERMISSIVE\",\"values\":[\"DNK\",\"NLD\"]}]},"
    "\"creationDateTime\":\"2026-11-28T09:15:00Z\",\"reviewDateTime\":\"2036-11-28T00:00:00Z\"}";

struct file {
    uint8_t *data;
    size_t len;
};

static int read_file(const char *dir, const char *name, struct file *out) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return -1;
    }
    out->data = NULL;
    out->len = 0;
    size_t cap = 0;
    for (;;) {
        if (out->len == cap) {
            cap = cap ? cap * 2 : 4096;
            uint8_t *grown = realloc(out->data, cap);
            if (grown == NULL) {
                fclose(f);
                return -1;
            }
            out->data = grown;
        }
        size_t n = fread(out->data + out->len, 1, cap - out->len, f);
        if (n == 0) {
            break;
        }
        out->len += n;
    }
    fclose(f);
    return 0;
}

/* A record in memory, read through pouch_read_fn. */
struct cursor {
    const uint8_t *data;
    size_t len, at;
};

static ptrdiff_t read_cursor(void *user_data, uint8_t *buf, size_t len) {
    struct cursor *c = user_data;
    size_t n = c->len - c->at < len ? c->len - c->at : len;
    memcpy(buf, c->data + c->at, n);
    c->at += n;
    return (ptrdiff_t)n;
}

/* A FILE, written through pouch_write_fn and read back through pouch_read_fn. */
static int write_file(void *user_data, const uint8_t *buf, size_t len) {
    return fwrite(buf, 1, len, user_data) == len ? 0 : 1;
}

static ptrdiff_t read_stream(void *user_data, uint8_t *buf, size_t len) {
    size_t n = fread(buf, 1, len, user_data);
    return ferror((FILE *)user_data) ? -1 : (ptrdiff_t)n;
}

static int rewind_stream(void *user_data) {
    return fseek(user_data, 0, SEEK_SET);
}

/* A growing buffer, written through pouch_write_fn. */
struct sink {
    uint8_t *data;
    size_t len, cap;
};

static int write_sink(void *user_data, const uint8_t *buf, size_t len) {
    struct sink *s = user_data;
    if (s->len + len > s->cap) {
        size_t cap = s->cap ? s->cap : 65536;
        while (cap < s->len + len) {
            cap *= 2;
        }
        uint8_t *grown = realloc(s->data, cap);
        if (grown == NULL) {
            return 1;
        }
        s->data = grown;
        s->cap = cap;
    }
    memcpy(s->data + s->len, buf, len);
    s->len += len;
    return 0;
}

static int fail(const char *what) {
    fprintf(stderr, "%s: %s (code %s)\n", what, pouch_last_error(), pouch_last_error_code());
    return 1;
}

struct world {
    const char *dir;
    PouchTrustBundle *trust;
    PouchPolicy *policy;
    PouchVerifyContext *ctx;
    struct file signer_key, signer_chain;
    uint8_t *record;
};

/* Seals the record to `n` recipient chains; detached into `ciphertext` when non-null. */
static pouch_status seal(struct world *w, const struct file *chains, size_t n, FILE *ciphertext,
                         uint8_t **env, size_t *env_len) {
    const uint8_t *ptrs[4];
    size_t lens[4];
    for (size_t i = 0; i < n; i++) {
        ptrs[i] = chains[i].data;
        lens[i] = chains[i].len;
    }
    PouchSealOptions seal = {0};
    seal.signing_time = "2026-11-28T10:00:00Z";
    PouchEncryptOptions options = {&seal, NULL};
    struct cursor rec = {w->record, RECORD_LEN, 0};
    return pouch_seal_encrypted((const uint8_t *)LABEL, strlen(LABEL), read_cursor, &rec,
                                w->signer_key.data, w->signer_key.len, w->signer_chain.data,
                                w->signer_chain.len, ptrs, lens, n, w->trust, w->policy,
                                ciphertext ? write_file : NULL, ciphertext, &options, env,
                                env_len);
}

/* Opens `env` with `key` and `chain`; the plaintext in `sink`. Returns 0 when the call
 * succeeded, with the exit class and the decrypted flag. */
static int open_env(struct world *w, const uint8_t *env, size_t env_len, FILE *ciphertext,
                    const struct file *key, const struct file *chain, struct sink *sink,
                    uint8_t *exit_class, bool *decrypted) {
    PouchReport *report = NULL;
    char *json = NULL;
    sink->len = 0;
    if (pouch_open(w->ctx, env, env_len, ciphertext ? read_stream : NULL,
                   ciphertext ? rewind_stream : NULL, ciphertext, key->data, key->len,
                   chain->data, chain->len, write_sink, sink, &report) != POUCH_OK) {
        return fail("pouch_open");
    }
    int rc = 0;
    if (pouch_report_exit_class(report, exit_class) != POUCH_OK ||
        pouch_report_decrypted(report, decrypted) != POUCH_OK ||
        pouch_report_json(report, &json) != POUCH_OK) {
        rc = fail("report");
    } else if (strstr(json, "\"decrypt\"") == NULL) {
        fprintf(stderr, "the report has no decrypt member: %s\n", json);
        rc = 1;
    }
    pouch_string_free(json);
    pouch_report_free(report);
    return rc;
}

static int check(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "FAILED: %s\n", what);
    }
    return ok ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PKI_DIR\n", argv[0]);
        return 2;
    }
    struct world w = {0};
    w.dir = argv[1];
    int failed = 0;
    struct file dnk_chain = {0}, dnk_key = {0}, nld_chain = {0}, nld_key = {0}, nor_chain = {0},
                spif = {0};
    struct sink sink = {0};
    uint8_t *env = NULL, *env2 = NULL, *added = NULL;
    size_t env_len = 0, env2_len = 0, added_len = 0;
    FILE *ct = NULL;
    char bundle_path[4096];
    snprintf(bundle_path, sizeof bundle_path, "%s/bundle.toml", w.dir);

    if (read_file(w.dir, "NOR/signer-ES384.key.pem", &w.signer_key) ||
        read_file(w.dir, "NOR/signer-ES384.pem", &w.signer_chain) ||
        read_file(w.dir, "DNK/encrypt-HPKE-XWING-KE.pem", &dnk_chain) ||
        read_file(w.dir, "DNK/encrypt-HPKE-XWING-KE.key.pem", &dnk_key) ||
        read_file(w.dir, "NLD/encrypt-HPKE-1-KE.pem", &nld_chain) ||
        read_file(w.dir, "NLD/encrypt-HPKE-1-KE.key.pem", &nld_key) ||
        read_file(w.dir, "NOR/encrypt-HPKE-MLKEM1024-KE.pem", &nor_chain) ||
        read_file(w.dir, "policies/pouch-demo.spif.xml", &spif)) {
        failed = 1;
        goto done;
    }
    w.record = malloc(RECORD_LEN);
    for (size_t i = 0; w.record != NULL && i < RECORD_LEN; i++) {
        w.record[i] = (uint8_t)(i * 31 + 7);
    }
    if (w.record == NULL || pouch_trust_bundle_load(bundle_path, &w.trust) != POUCH_OK ||
        pouch_policy_load(spif.data, spif.len, &w.policy) != POUCH_OK ||
        pouch_verify_context_new(NULL, &w.ctx) != POUCH_OK ||
        pouch_verify_context_load_trust(w.ctx, bundle_path) != POUCH_OK ||
        pouch_verify_context_set_at(w.ctx, "2026-11-28T11:00:00Z") != POUCH_OK ||
        pouch_verify_context_add_policy(w.ctx, w.policy) != POUCH_OK) {
        failed = fail("setup");
        goto done;
    }

    /* Detached, to Denmark and the Netherlands. */
    struct file both[2] = {dnk_chain, nld_chain};
    if ((ct = tmpfile()) == NULL) {
        perror("tmpfile");
        failed = 1;
        goto done;
    }
    if (seal(&w, both, 2, ct, &env, &env_len) != POUCH_OK || fflush(ct) != 0) {
        failed = fail("pouch_seal_encrypted (detached)");
        goto done;
    }
    uint8_t cls = 0;
    bool dec = false;
    const struct file *keys[2] = {&dnk_key, &nld_key};
    for (int i = 0; i < 2; i++) {
        if (open_env(&w, env, env_len, ct, keys[i], &both[i], &sink, &cls, &dec)) {
            failed = 1;
            goto done;
        }
        failed |= check(dec && cls == 0, "a recipient opens the detached ciphertext");
        failed |= check(sink.len == RECORD_LEN && memcmp(sink.data, w.record, RECORD_LEN) == 0,
                        "the plaintext is the record");
    }
    /* Denmark's certificate with the Netherlands' key: the decrypt class, no plaintext. */
    if (open_env(&w, env, env_len, ct, &nld_key, &dnk_chain, &sink, &cls, &dec)) {
        failed = 1;
        goto done;
    }
    failed |= check(!dec && cls == 11 && sink.len == 0, "a wrong key releases nothing (11)");

    /* Norway is not released to: refused at sealing, with a release code. */
    pouch_status s = seal(&w, &nor_chain, 1, NULL, &env2, &env2_len);
    failed |= check(s == POUCH_ERR_STATUS && strncmp(pouch_last_error_code(), "release.", 8) == 0,
                    "a nation release denies is refused");

    /* Embedded, to Denmark only; Denmark adds the Netherlands, who then opens it. */
    if (seal(&w, &dnk_chain, 1, NULL, &env2, &env2_len) != POUCH_OK) {
        failed = fail("pouch_seal_encrypted (embedded)");
        goto done;
    }
    if (pouch_add_recipient(env2, env2_len, dnk_key.data, dnk_key.len, dnk_chain.data,
                            dnk_chain.len, nld_chain.data, nld_chain.len, w.trust, w.policy,
                            NULL, "2026-11-28T11:00:00Z", &added, &added_len) != POUCH_OK) {
        failed = fail("pouch_add_recipient");
        goto done;
    }
    if (open_env(&w, added, added_len, NULL, &nld_key, &nld_chain, &sink, &cls, &dec)) {
        failed = 1;
        goto done;
    }
    failed |= check(dec && cls == 0 && sink.len == RECORD_LEN &&
                        memcmp(sink.data, w.record, RECORD_LEN) == 0,
                    "a recipient added later opens the embedded record");

done:
    if (ct != NULL) {
        fclose(ct);
    }
    pouch_bytes_free(env, env_len);
    pouch_bytes_free(env2, env2_len);
    pouch_bytes_free(added, added_len);
    pouch_verify_context_free(w.ctx);
    pouch_policy_free(w.policy);
    pouch_trust_bundle_free(w.trust);
    free(w.signer_key.data);
    free(w.signer_chain.data);
    free(dnk_chain.data);
    free(dnk_key.data);
    free(nld_chain.data);
    free(nld_key.data);
    free(nor_chain.data);
    free(spif.data);
    free(sink.data);
    free(w.record);
    if (!failed) {
        printf("encrypt_open: sealed to DNK and NLD, both opened; wrong key, refused nation "
               "and added recipient as expected\n");
    }
    return failed;
}
