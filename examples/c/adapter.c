/* A Pouch conformance adapter in C (spec/07-conformance.md §7.2), over the C ABI only.
 *
 *   adapter features
 *   adapter verify --envelope F [--payload F] [--trust B] [--seal-policy P] [--at T]
 *                  [--policy SPIF]... [--recipient C] [--clearance F]
 *
 * POUCH_ADAPTER_PROVIDER=rustcrypto selects the pure-Rust provider. Exit status: the
 * report's exit class; 2 for a usage error, 4 when an input cannot be read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pouch.h"

#define EXIT_USAGE 2
#define EXIT_IO 4
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
    const char *policies[MAX_POLICIES];
    size_t n_policies;
};

static int verify(int argc, char **argv) {
    struct args a = {0};
    for (int i = 0; i < argc; i += 2) {
        const char *flag = argv[i];
        if (i + 1 >= argc) {
            fprintf(stderr, "%s needs a value\n", flag);
            return EXIT_USAGE;
        }
        const char *value = argv[i + 1];
        if (strcmp(flag, "--envelope") == 0) {
            a.envelope = value;
        } else if (strcmp(flag, "--payload") == 0) {
            a.payload = value;
        } else if (strcmp(flag, "--trust") == 0) {
            a.trust = value;
        } else if (strcmp(flag, "--seal-policy") == 0) {
            a.seal_policy = value;
        } else if (strcmp(flag, "--at") == 0) {
            a.at = value;
        } else if (strcmp(flag, "--recipient") == 0) {
            a.recipient = value;
        } else if (strcmp(flag, "--clearance") == 0) {
            a.clearance = value;
        } else if (strcmp(flag, "--policy") == 0) {
            if (a.n_policies == MAX_POLICIES) {
                return usage("too many --policy options");
            }
            a.policies[a.n_policies++] = value;
        } else {
            fprintf(stderr, "unknown option %s\n", flag);
            return EXIT_USAGE;
        }
    }
    if (a.envelope == NULL) {
        return usage("--envelope is required");
    }
    if (a.clearance != NULL && a.recipient == NULL) {
        return usage("--clearance needs --recipient");
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
    if ((env = read_file(a.envelope, &env_len)) == NULL) {
        perror(a.envelope);
        goto done;
    }
    if (a.trust != NULL && pouch_verify_context_load_trust(ctx, a.trust) != POUCH_OK) {
        fprintf(stderr, "%s: %s\n", a.trust, pouch_last_error());
        goto done;
    }
    for (size_t i = 0; i < a.n_policies; i++) {
        size_t len = 0;
        uint8_t *spif = read_file(a.policies[i], &len);
        if (spif == NULL) {
            perror(a.policies[i]);
            goto done;
        }
        PouchPolicy *policy = NULL;
        s = pouch_policy_load(spif, len, &policy);
        free(spif);
        if (s != POUCH_OK || pouch_verify_context_add_policy(ctx, policy) != POUCH_OK) {
            fprintf(stderr, "%s: %s\n", a.policies[i], pouch_last_error());
            pouch_policy_free(policy);
            rc = 3; /* malformed input, as pouch verify */
            goto done;
        }
        pouch_policy_free(policy); /* the context keeps its own reference */
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

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "features") == 0) {
        return features();
    }
    if (argc >= 2 && strcmp(argv[1], "verify") == 0) {
        return verify(argc - 2, argv + 2);
    }
    return usage("usage: adapter features | verify --envelope F [--payload F] [--trust B] "
                 "[--seal-policy P] [--at T] [--policy SPIF]... [--recipient C] "
                 "[--clearance F]");
}
