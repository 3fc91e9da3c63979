/*
 * Verifies many CMS SignedData files in ONE process with OpenSSL's libcrypto, the way
 * `openssl cms -verify` does for one file, so that bulk verification can be compared without
 * paying a process start per record (bench/compare.sh, "bulk, one process").
 *
 * Usage: cms_verify_many [--signature-only] CAFILE CERTFILE ATTIME FILE...
 *   --signature-only  CMS_NO_SIGNER_CERT_VERIFY (as `-no_signer_cert_verify`): the signature,
 *             content digest and signed attributes only, no chain, validity or CRL check
 *   CAFILE    PEM trust anchors and CRLs (as `openssl cms -verify -CAfile`); CRLs are checked
 *             for the whole chain (as `-crl_check_all`)
 *   CERTFILE  PEM intermediates (as `-certfile`)
 *   ATTIME    verification time, Unix seconds (as `-attime`)
 * Same settings as the command line of bench/compare.sh: `-binary -purpose any
 * -crl_check_all`, the content written to a null sink. One X509_STORE serves every file, as
 * one `pouch verify` process shares one trust context. Prints
 * `cms-bulk OK N FAIL F NS` (total nanoseconds of the verify loop, file reads excluded).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

static unsigned char *slurp(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    if (f == NULL)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (*len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc(*len > 0 ? (size_t)*len : 1);
        if (buf != NULL && fread(buf, 1, (size_t)*len, f) != (size_t)*len) {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    unsigned int flags = CMS_BINARY;
    if (argc > 1 && strcmp(argv[1], "--signature-only") == 0) {
        flags |= CMS_NO_SIGNER_CERT_VERIFY;
        argv++;
        argc--;
    }
    if (argc < 5) {
        fprintf(stderr, "usage: cms_verify_many [--signature-only] CAFILE CERTFILE ATTIME FILE...\n");
        return 2;
    }
    X509_STORE *store = X509_STORE_new();
    if (store == NULL || X509_STORE_load_file(store, argv[1]) != 1) {
        fprintf(stderr, "cms_verify_many: cannot load %s\n", argv[1]);
        return 2;
    }
    X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
    X509_STORE_set_purpose(store, X509_PURPOSE_ANY);
    X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), (time_t)atoll(argv[3]));

    STACK_OF(X509) *untrusted = sk_X509_new_null();
    BIO *cf = BIO_new_file(argv[2], "r");
    X509 *c;
    if (untrusted == NULL || cf == NULL) {
        fprintf(stderr, "cms_verify_many: cannot read %s\n", argv[2]);
        return 2;
    }
    while ((c = PEM_read_bio_X509(cf, NULL, NULL, NULL)) != NULL)
        sk_X509_push(untrusted, c);
    ERR_clear_error();
    BIO_free(cf);

    /* Read every file first: the loop below times verification, not the disk. */
    int n = argc - 4;
    unsigned char **data = calloc((size_t)n, sizeof *data);
    long *lens = calloc((size_t)n, sizeof *lens);
    if (data == NULL || lens == NULL)
        return 2;
    for (int i = 0; i < n; i++) {
        data[i] = slurp(argv[4 + i], &lens[i]);
        if (data[i] == NULL) {
            fprintf(stderr, "cms_verify_many: cannot read %s\n", argv[4 + i]);
            return 2;
        }
    }

    int ok = 0, fail = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < n; i++) {
        BIO *in = BIO_new_mem_buf(data[i], (int)lens[i]);
        BIO *out = BIO_new(BIO_s_null());
        CMS_ContentInfo *cms = d2i_CMS_bio(in, NULL);
        if (cms != NULL && CMS_verify(cms, untrusted, store, NULL, out, flags) == 1) {
            ok++;
        } else {
            fail++;
            if (fail == 1) {
                fprintf(stderr, "cms_verify_many: %s does not verify:\n", argv[4 + i]);
                ERR_print_errors_fp(stderr);
            }
        }
        ERR_clear_error();
        CMS_ContentInfo_free(cms);
        BIO_free(in);
        BIO_free(out);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    printf("cms-bulk OK %d FAIL %d NS %lld\n", ok, fail, ns);
    return fail == 0 ? 0 : 1;
}
