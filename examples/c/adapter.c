/* A Pouch conformance adapter in C (spec/07-conformance.md §7.2), over the C ABI only.
 *
 *   adapter features
 *   adapter verify --envelope F [--payload F] [--trust B] [--seal-policy P] [--at T]
 *                  [--policy SPIF]... [--recipient C] [--clearance F] [VERIFIER OPTIONS]
 *   adapter open --envelope F [--payload F] --key K --cert C --trust B [--at T]
 *                [--policy SPIF]... --out O [VERIFIER OPTIONS]
 *   VERIFIER OPTIONS: [--allowed-algs A,B] [--require-current-validity] [--max-chain N]
 *
 * POUCH_ADAPTER_PROVIDER=rustcrypto selects the pure-Rust provider. Exit status: the
 * report's exit class; 2 for a usage error, 4 when an input cannot be read; for `open`, 13
 * (nothing printed) when the opener's certificate is not trusted under the bundle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pouch.h"

#define EXIT_USAGE 2
#define EXIT_IO 4
#define EXIT_TRUST 13
#define MAX_POLICIES 16
/* Inputs are read up to this many bytes plus one, so that an oversize envelope is
 * refused by the decoder's limit without being read whole. */
#define MAX_INPUT ((size_t)64 << 20)

static uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    uint8_t *buf = NULL;
    size_t cap = 0;
    *len = 0;
    while (*len <= MAX_INPUT) {
        if (*len == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *grown = realloc(buf, cap);
            if (grown == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
        }
        size_t want = cap - *len;
        if (want > MAX_INPUT + 1 - *len) {
            want = MAX_INPUT + 1 - *len;
        }
        size_t n = fread(buf + *len, 1, want, f);
        if (n == 0) {
            break;
        }
        *len += n;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    if (buf == NULL) {
        buf = malloc(1); /* an empty file is an empty input, not an error */
    }
    return buf;
}

static int usage(const char *msg) {
    fprintf(stderr, "%s\n", msg);
    return EXIT_USAGE;
}

static const char *provider(void) {
    const char *p = getenv("POUCH_ADAPTER_PROVIDER");
    return (p != NULL && *p != '\0') ? p : NULL;
}

static int features(void) {
    char *json = NULL;
    pouch_status s = pouch_adapter_features(provider(), &json);
    if (s != POUCH_OK) {
        fprintf(stderr, "features: %s\n", pouch_last_error());
        return EXIT_USAGE;
    }
    printf("%s\n", json);
    pouch_string_free(json);
    return 0;
}

struct args {
    const char *envelope, *payload, *trust, *seal_policy, *at, *recipient, *clearance;
    const char *key, *cert, *out, *allowed_algs, *max_chain;
    bool require_current_validity;
    const char *policies[MAX_POLICIES];
    size_t n_policies;
};

/* Parses the options of `verify` (open == 0) or `open` (open == 1); returns 0, or the
 * usage exit status after saying why. */
static int parse(int argc, char **argv, int open, struct args *a) {
    for (int i = 0; i < argc; i += 2) {
        const char *flag = argv[i];
        if (strcmp(flag, "--require-current-validity") == 0) {
            a->require_current_validity = true;
            i--; /* a flag without a value */
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "%s needs a value\n", flag);
            return EXIT_USAGE;
        }
        const char *value = argv[i + 1];
        if (strcmp(flag, "--envelope") == 0) {
            a->envelope = value;
        } else if (strcmp(flag, "--payload") == 0) {
            a->payload = value;
        } else if (strcmp(flag, "--trust") == 0) {
            a->trust = value;
        } else if (strcmp(flag, "--at") == 0) {
            a->at = value;
        } else if (strcmp(flag, "--allowed-algs") == 0) {
            a->allowed_algs = value;
        } else if (strcmp(flag, "--max-chain") == 0) {
            a->max_chain = value;
        } else if (!open && strcmp(flag, "--seal-policy") == 0) {
            a->seal_policy = value;
        } else if (!open && strcmp(flag, "--recipient") == 0) {
            a->recipient = value;
        } else if (!open && strcmp(flag, "--clearance") == 0) {
            a->clearance = value;
        } else if (open && strcmp(flag, "--key") == 0) {
            a->key = value;
        } else if (open && strcmp(flag, "--cert") == 0) {
            a->cert = value;
        } else if (open && strcmp(flag, "--out") == 0) {
            a->out = value;
        } else if (strcmp(flag, "--policy") == 0) {
            if (a->n_policies == MAX_POLICIES) {
                return usage("too many --policy options");
            }
            a->policies[a->n_policies++] = value;
        } else {
            fprintf(stderr, "unknown option %s\n", flag);
            return EXIT_USAGE;
        }
    }
    if (a->envelope == NULL) {
        return usage("--envelope is required");
    }
    if (a->clearance != NULL && a->recipient == NULL) {
        return usage("--clearance needs --recipient");
    }
    if (open && (a->key == NULL || a->cert == NULL || a->trust == NULL || a->out == NULL)) {
        return usage("open needs --key, --cert, --trust and --out");
    }
    return 0;
}

/* The verifier options shared by verify and open; returns 0 or the usage status. */
static int verifier_options(PouchVerifyContext *ctx, const struct args *a) {
    if (a->allowed_algs != NULL &&
        pouch_verify_context_set_allowed_algs(ctx, a->allowed_algs) != POUCH_OK) {
        fprintf(stderr, "--allowed-algs: %s\n", pouch_last_error());
        return EXIT_USAGE;
    }
    if (a->require_current_validity &&
        pouch_verify_context_set_require_current_validity(ctx, true) != POUCH_OK) {
        fprintf(stderr, "--require-current-validity: %s\n", pouch_last_error());
        return EXIT_USAGE;
    }
    if (a->max_chain != NULL) {
        char *end = NULL;
        unsigned long long n = strtoull(a->max_chain, &end, 10);
        if (end == a->max_chain || *end != '\0' || n == 0 || n > SIZE_MAX ||
            pouch_verify_context_set_max_chain(ctx, (size_t)n) != POUCH_OK) {
            fprintf(stderr, "--max-chain %s: a positive number\n", a->max_chain);
            return EXIT_USAGE;
        }
    }
    return 0;
}

/* Loads each --policy into the context; returns 0, or the exit status after saying why. */
static int add_policies(PouchVerifyContext *ctx, const struct args *a) {
    for (size_t i = 0; i < a->n_policies; i++) {
        size_t len = 0;
        uint8_t *spif = read_file(a->policies[i], &len);
        if (spif == NULL) {
            perror(a->policies[i]);
            return EXIT_IO;
        }
        PouchPolicy *policy = NULL;
        pouch_status s = pouch_policy_load(spif, len, &policy);
        free(spif);
        if (s != POUCH_OK || pouch_verify_context_add_policy(ctx, policy) != POUCH_OK) {
            fprintf(stderr, "%s: %s\n", a->policies[i], pouch_last_error());
            pouch_policy_free(policy);
            return 3; /* malformed input, as pouch verify */
        }
        pouch_policy_free(policy); /* the context keeps its own reference */
    }
    return 0;
}

static int verify(int argc, char **argv) {
    struct args a = {0};
    int bad = parse(argc, argv, 0, &a);
    if (bad) {
        return bad;
    }

    int rc = EXIT_IO;
    PouchVerifyContext *ctx = NULL;
    PouchReport *report = NULL;
    char *json = NULL;
    uint8_t *env = NULL, *payload = NULL, *clearance = NULL;
    size_t env_len = 0, payload_len = 0, clearance_len = 0;
    pouch_status s;

    if ((s = pouch_verify_context_new(provider(), &ctx)) != POUCH_OK) {
        fprintf(stderr, "provider: %s\n", pouch_last_error());
        rc = EXIT_USAGE;
        goto done;
    }
    if (a.seal_policy != NULL &&
        pouch_verify_context_set_seal_policy(ctx, a.seal_policy) != POUCH_OK) {
        fprintf(stderr, "--seal-policy: %s\n", pouch_last_error());
        rc = EXIT_USAGE;
        goto done;
    }
    if (a.at != NULL && pouch_verify_context_set_at(ctx, a.at) != POUCH_OK) {
        fprintf(stderr, "--at: %s\n", pouch_last_error());
        rc = EXIT_USAGE;
        goto done;
    }
    if ((bad = verifier_options(ctx, &a)) != 0) {
        rc = bad;
        goto done;
    }
    if ((env = read_file(a.envelope, &env_len)) == NULL) {
        perror(a.envelope);
        goto done;
    }
    if (a.trust != NULL && pouch_verify_context_load_trust(ctx, a.trust) != POUCH_OK) {
        fprintf(stderr, "%s: %s\n", a.trust, pouch_last_error());
        goto done;
    }
    if ((bad = add_policies(ctx, &a)) != 0) {
        rc = bad;
        goto done;
    }
    if (a.clearance != NULL && (clearance = read_file(a.clearance, &clearance_len)) == NULL) {
        perror(a.clearance);
        goto done;
    }
    if (a.recipient != NULL &&
        pouch_verify_context_set_recipient(ctx, a.recipient, clearance, clearance_len) !=
            POUCH_OK) {
        fprintf(stderr, "--recipient: %s\n", pouch_last_error());
        rc = 3;
        goto done;
    }
    if (a.payload != NULL && (payload = read_file(a.payload, &payload_len)) == NULL) {
        perror(a.payload);
        goto done;
    }
    uint8_t exit_class = 0;
    if ((s = pouch_verify(ctx, env, env_len, payload, payload_len, &report)) != POUCH_OK ||
        (s = pouch_report_json(report, &json)) != POUCH_OK ||
        (s = pouch_report_exit_class(report, &exit_class)) != POUCH_OK) {
        fprintf(stderr, "verify: %s\n", pouch_last_error());
        rc = EXIT_USAGE;
        goto done;
    }
    printf("%s\n", json);
    rc = exit_class;

done:
    pouch_string_free(json);
    pouch_report_free(report);
    pouch_verify_context_free(ctx);
    free(payload);
    free(clearance);
    free(env);
    return rc;
}

static ptrdiff_t read_stream(void *user_data, uint8_t *buf, size_t len) {
    size_t n = fread(buf, 1, len, user_data);
    return ferror((FILE *)user_data) ? -1 : (ptrdiff_t)n;
}

static int rewind_stream(void *user_data) {
    return fseek(user_data, 0, SEEK_SET);
}

static int write_stream(void *user_data, const uint8_t *buf, size_t len) {
    return fwrite(buf, 1, len, user_data) == len ? 0 : 1;
}

/* `open`: the plaintext goes to a temporary file beside --out, renamed to it only when the
 * report says the plaintext authenticated, and removed otherwise. */
static int open_envelope(int argc, char **argv) {
    struct args a = {0};
    int bad = parse(argc, argv, 1, &a);
    if (bad) {
        return bad;
    }
    int rc = EXIT_IO;
    PouchVerifyContext *ctx = NULL;
    PouchReport *report = NULL;
    char *json = NULL;
    uint8_t *env = NULL, *key = NULL, *cert = NULL;
    size_t env_len = 0, key_len = 0, cert_len = 0;
    FILE *ciphertext = NULL, *plain = NULL;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.partial", a.out);

    if (pouch_verify_context_new(provider(), &ctx) != POUCH_OK) {
        fprintf(stderr, "provider: %s\n", pouch_last_error());
        rc = EXIT_USAGE;
        goto done;
    }
    if (a.at != NULL && pouch_verify_context_set_at(ctx, a.at) != POUCH_OK) {
        fprintf(stderr, "--at: %s\n", pouch_last_error());
        rc = EXIT_USAGE;
        goto done;
    }
    if ((bad = verifier_options(ctx, &a)) != 0) {
        rc = bad;
        goto done;
    }
    if (pouch_verify_context_load_trust(ctx, a.trust) != POUCH_OK) {
        fprintf(stderr, "%s: %s\n", a.trust, pouch_last_error());
        goto done;
    }
    if ((bad = add_policies(ctx, &a)) != 0) {
        rc = bad;
        goto done;
    }
    if ((env = read_file(a.envelope, &env_len)) == NULL) {
        perror(a.envelope);
        goto done;
    }
    if ((key = read_file(a.key, &key_len)) == NULL) {
        perror(a.key);
        goto done;
    }
    if ((cert = read_file(a.cert, &cert_len)) == NULL) {
        perror(a.cert);
        goto done;
    }
    if (a.payload != NULL && (ciphertext = fopen(a.payload, "rb")) == NULL) {
        perror(a.payload);
        goto done;
    }
    if ((plain = fopen(tmp, "wb")) == NULL) {
        perror(tmp);
        goto done;
    }
    if (pouch_open(ctx, env, env_len, ciphertext ? read_stream : NULL,
                   ciphertext ? rewind_stream : NULL, ciphertext, key, key_len, cert, cert_len,
                   write_stream, plain, &report) != POUCH_OK) {
        const char *code = pouch_last_error_code();
        fprintf(stderr, "%s: %s\n", a.cert, pouch_last_error());
        rc = strncmp(code, "trust.", 6) == 0 ? EXIT_TRUST
             : strcmp(code, "argument") == 0 ? EXIT_USAGE
                                              : EXIT_IO;
        goto done;
    }
    uint8_t exit_class = 0;
    bool decrypted = false;
    if (pouch_report_json(report, &json) != POUCH_OK ||
        pouch_report_exit_class(report, &exit_class) != POUCH_OK ||
        pouch_report_decrypted(report, &decrypted) != POUCH_OK) {
        fprintf(stderr, "open: %s\n", pouch_last_error());
        rc = EXIT_USAGE;
        goto done;
    }
    int closed = fclose(plain);
    plain = NULL;
    if (decrypted && (closed != 0 || rename(tmp, a.out) != 0)) {
        perror(a.out);
        goto done;
    }
    if (exit_class == EXIT_IO) {
        fprintf(stderr, "%s: reading the ciphertext or writing the plaintext failed\n",
                a.envelope);
        goto done;
    }
    printf("%s\n", json);
    rc = exit_class;

done:
    if (plain != NULL) {
        fclose(plain);
    }
    remove(tmp); /* gone after a rename; the partial plaintext otherwise */
    if (ciphertext != NULL) {
        fclose(ciphertext);
    }
    pouch_string_free(json);
    pouch_report_free(report);
    pouch_verify_context_free(ctx);
    free(env);
    free(key);
    free(cert);
    return rc;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "features") == 0) {
        return features();
    }
    if (argc >= 2 && strcmp(argv[1], "verify") == 0) {
        return verify(argc - 2, argv + 2);
    }
    if (argc >= 2 && strcmp(argv[1], "open") == 0) {
        return open_envelope(argc - 2, argv + 2);
    }
    return usage("usage: adapter features | verify --envelope F [--payload F] [--trust B] "
                 "[--seal-policy P] [--at T] [--policy SPIF]... [--recipient C] "
                 "[--clearance F] [--allowed-algs A,B] [--require-current-validity] "
                 "[--max-chain N] | open --envelope F [--payload F] --key K --cert C "
                 "--trust B [--at T] [--policy SPIF]... --out O [verifier options]");
}
