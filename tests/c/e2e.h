/* The native end-to-end tests: the real core over the libcurl transport, against the sandbox
 * that tests/c/e2e_sandbox.mjs started (its address in the environment, its control on fd 3). */
#ifndef DH_E2E_H
#define DH_E2E_H
#include <stdint.h>

#include "dockerhub_oat.h"
#include "dockerhub_oat_curl.h"
#include "test.h"

/* The sandbox's control plane. Each returns the answer line (a static buffer, valid until the
 * next call). */
const char *e2e_ctl(const char *json_line);
void e2e_reset(void); /* request log and pending faults emptied */
void e2e_fault(const char *spec_json);
const char *e2e_log(void); /* "POST /v2/auth/token|GET /v2/...?page=1&page_size=10|..." */
int e2e_log_count(const char *entry); /* how many log entries are exactly `entry` */
void e2e_advance_sandbox(int seconds);
/* Stops both clocks, the sandbox's and the clients' (e2e_unix_frozen), at unix time `t`. */
void e2e_freeze_clocks(int64_t t);

/* The wall clock the clients see: real time plus `e2e_unix_offset`, or `e2e_unix_frozen` when
 * it is not 0. */
extern int64_t e2e_unix_offset, e2e_unix_frozen;

/* One loop and one client on it, signed in by the sandbox's seeded owner (acme-owner). */
typedef struct e2e {
    dh_curl *loop;
    dh_client *cl;
    const char *org; /* "acme" */
} e2e;

typedef struct e2e_opts {
    int max_retries;     /* as dh_config (0: none) */
    uint32_t timeout_ms; /* 0: 30000 */
    size_t max_response_bytes;
    const char *secret;   /* NULL: the right one */
    const char *base_url; /* NULL: the sandbox */
    const char *ca_file;  /* dh_curl_options.ca_file */
    const char *bearer;   /* a JWT used as is, instead of signing in */
    const char *proxy;    /* dh_curl_options.proxy, .proxy_from_env, .allow_ssl_keylog */
    int proxy_from_env, allow_ssl_keylog;
    long connect_timeout_ms; /* dh_curl_options.connect_timeout_ms */
} e2e_opts;

/* Fills `t`; CHECKs and returns 0 when the loop or client cannot be made. Free with e2e_close. */
int e2e_open(e2e *t, const e2e_opts *opts);
void e2e_close(e2e *t);
/* The send of the last opened client's transport records each handle here (for tests that
 * look at a transfer in flight through dh_curl_rx_of). */
extern void *e2e_last_handle;

/* What a callback keeps of a reply. */
typedef struct result {
    int settled, calls;
    dh_code code;
    int status;
    int64_t retry_after;
    int maybe_created;
    char id[64], label[128], description[256], message[512];
    int is_active;
    size_t secret_len, count, items;
    int64_t total;
    int pages, more;
} result;

void e2e_on_reply(const dh_reply *r, void *user);

/* One request through the libcurl transport's seam, without a client, on a loop of its own. */
typedef struct seam_result {
    int done;
    dh_http_failure failure;
    int status;
} seam_result;
seam_result seam_send(const char *method, const char *url, size_t max_bytes);
seam_result seam_send_with(const dh_curl_options *options, const char *method, const char *url,
                           size_t max_bytes);
/* Steps the loop until `r` has settled (ctest's timeout is the guard against a hang). */
void e2e_wait(e2e *t, result *r);
#endif
