#include "internal.h"
#include "test.h"

static void check_error(int status, const char *body, dh_code code, const char *message) {
    dh_arena *a = dh_arena_new();
    dh_error e;
    CHECK(dh_error_from_response(status, body, body ? strlen(body) : 0, NULL, 0, a, &e));
    CHECK(e.code == code);
    CHECK(e.status == status);
    CHECK_STR(e.message, message);
    dh_arena_free(a);
}

static void status_codes(void) {
    check_error(400, "{\"fields\":{\"label\":[\"This field is required.\"]},\"text\":\"invalid\"}",
                DH_ERR_BAD_REQUEST, "label: This field is required.");
    check_error(401, "{\"message\":\"Incorrect authentication credentials\",\"errinfo\":{}}",
                DH_ERR_UNAUTHORIZED, "Incorrect authentication credentials");
    check_error(403, "{\"detail\":\"forbidden\"}", DH_ERR_FORBIDDEN, "forbidden");
    check_error(404, "{\"message\":\"not found\",\"detail\":\"token\"}", DH_ERR_NOT_FOUND,
                "not found");
    check_error(409, "{}", DH_ERR_CONFLICT,
                "Docker Hub answered HTTP 409 with a body that is not a JSON error");
    check_error(429, "{\"detail\":\"Rate limit exceeded\",\"error\":false}", DH_ERR_RATE_LIMITED,
                "Rate limit exceeded");
    check_error(502, "<html><body>Bad gateway</body></html>", DH_ERR_SERVER_ERROR,
                "Docker Hub answered HTTP 502 with a body that is not a JSON error");
    check_error(503, NULL, DH_ERR_SERVER_ERROR, "Docker Hub answered HTTP 503 with no body");
    check_error(418, "[1,2]", DH_ERR_UNEXPECTED_STATUS,
                "Docker Hub answered HTTP 418 with a body that is not a JSON error");
    check_error(302, "", DH_ERR_UNEXPECTED_STATUS, "Docker Hub answered HTTP 302 with no body");
    check_error(400, "{\"message\":5,\"text\":\"bad\"}", DH_ERR_BAD_REQUEST, "bad");
}

static void echoed_secrets(void) {
    dh_arena *a = dh_arena_new();
    dh_error e;
    const char *secrets[] = {"pa55word", "eyJ.jwt"};
    const char *clean = "{\"message\":\"m\",\"errinfo\":{\"k\":\"v\"},\"detail\":\"d\"}";
    CHECK(dh_error_from_response(401, clean, strlen(clean), secrets, 2, a, &e));
    CHECK_STR(e.detail, "d");
    /* An echo anywhere, escaped or not, keeps the body back; the words are redacted. */
    const char *echo[] = {"{\"message\":\"bad pa55word\"}",
                          "{\"errinfo\":{\"got\":\"pa\\u0035\\u0035word\"}}",
                          "{\"fields\":{\"eyJ.jwt\":[\"x\"]}}", "<html>eyJ.jwt</html>"};
    for (size_t i = 0; i < 4; i++)
        CHECK(!dh_error_from_response(400, echo[i], strlen(echo[i]), secrets, 2, a, &e));
    CHECK(!dh_error_from_response(401, echo[0], strlen(echo[0]), secrets, 2, a, &e));
    CHECK_STR(e.message, "bad [redacted]");
    dh_arena_free(a);
}

static void long_messages_are_clipped(void) {
    char body[3000];
    strcpy(body, "{\"message\":\"");
    size_t n = strlen(body);
    memset(body + n, 'x', 2000);
    strcpy(body + n + 2000, "\"}");
    dh_arena *a = dh_arena_new();
    dh_error e;
    dh_error_from_response(500, body, strlen(body), NULL, 0, a, &e);
    CHECK(strlen(e.message) == 1003);
    dh_arena_free(a);
}

static void redaction(void) {
    dh_arena *a = dh_arena_new();
    const char *secrets[] = {"s3cret", NULL, ""};
    CHECK_STR(dh_redact(a, "bad secret s3cret for s3cret!", secrets, 3),
              "bad secret [redacted] for [redacted]!");
    CHECK_STR(dh_redact(a, "nothing here", secrets, 3), "nothing here");
    CHECK(dh_redact(a, NULL, secrets, 3) == NULL);
    dh_arena_free(a);
}

static bool has_run(const char *text, const char *run) {
    for (const char *p = text; strlen(p) >= DH_SECRET_RUN; p++)
        if (memcmp(p, run, DH_SECRET_RUN) == 0) return true;
    return false;
}

/* A message of 980 filler bytes and then a 41-byte secret: the 1000-byte cut falls inside it. */
static void secret_straddling_the_cut(void) {
    const char *secret = "dckr_pat_Q7vW2xK9mN4pR8sT1uY6zA3bC5dE0fGh";
    char filler[981];
    memset(filler, 'x', 980);
    filler[980] = '\0';
    char body[1200];
    int n = snprintf(body, sizeof body, "{\"message\":\"%s%s tail\"}", filler, secret);
    dh_arena *a = dh_arena_new();
    dh_error e;
    const char *secrets[] = {secret};
    CHECK(!dh_error_from_response(400, body, (size_t)n, secrets, 1, a, &e));
    for (size_t k = 2; k + DH_SECRET_RUN <= strlen(secret); k++)
        CHECK(!has_run(e.message, secret + k));
    CHECK(strstr(e.message, "[redacted]") != NULL);
    dh_arena_free(a);
}

/* Any run of 8 bytes of a secret is the secret; runs inside the public prefix alone are not. */
static void secret_runs(void) {
    dh_arena *a = dh_arena_new();
    const char *secrets[] = {"dckr_pat_AbCdEfGhIjKl", "eyJhbGciOiJIUzI1NiJ9.payload.sig"};
    CHECK_STR(dh_redact(a, "got CdEfGhIj here", secrets, 2), "got [redacted] here");
    CHECK_STR(dh_redact(a, "a dckr_pat_ prefix is public", secrets, 2),
              "a dckr_pat_ prefix is public");
    CHECK_STR(dh_redact(a, "kr_pat_A", secrets, 2), "[redacted]");
    CHECK_STR(dh_redact(a, "7 bytes: CdEfGhI.", secrets, 2), "7 bytes: CdEfGhI.");
    CHECK_STR(dh_redact(a, "x payload.sig y", secrets, 2), "x [redacted] y");
    CHECK_STR(dh_redact(a, "Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig!", secrets, 2),
              "Bearer [redacted]!");
    dh_error e;
    const char *body = "{\"message\":\"bad IjKl\",\"errinfo\":{\"echo\":\"GhIjKl\\u0041\"}}";
    CHECK(dh_error_from_response(401, body, strlen(body), secrets, 2, a, &e)); /* 6 bytes: no run */
    body = "{\"message\":\"m\",\"errinfo\":{\"echo\":\"EfGhIjKl\"}}";
    CHECK(!dh_error_from_response(401, body, strlen(body), secrets, 2, a, &e));
    dh_arena_free(a);
}

/* errinfo and fields cross as the server's own text, as JSON.parse(body) would read them: the
 * last of a repeated key, numbers untouched, nothing from a body that is not one JSON object or
 * that echoed a secret. */
static void errinfo_and_fields(void) {
    dh_arena *a = dh_arena_new();
    dh_error e;
    const char *body =
        "{\"errinfo\":{\"a\":1},\"message\":\"m\",\"errinfo\" : { \"n\": 9007199254740993, "
        "\"s\": \"}\\\"]\" } ,\"fields\":{\"label\":[\"required\"]}}\n";
    CHECK(dh_error_from_response(400, body, strlen(body), NULL, 0, a, &e));
    CHECK_STR(e.errinfo, "{ \"n\": 9007199254740993, \"s\": \"}\\\"]\" } ");
    CHECK_STR(e.fields, "{\"label\":[\"required\"]}");
    const char *none[] = {"{\"errinfo\":[1]}", "{\"errinfo\":{}} x", "[{\"errinfo\":{}}]",
                          "{\"errinfo\":{},\"errinfo\":2}"};
    for (size_t i = 0; i < 4; i++) {
        dh_error_from_response(400, none[i], strlen(none[i]), NULL, 0, a, &e);
        CHECK(e.errinfo == NULL && e.fields == NULL);
    }
    const char *secrets[] = {"pa55word"};
    body = "{\"errinfo\":{\"got\":\"pa55word\"},\"fields\":{}}";
    CHECK(!dh_error_from_response(401, body, strlen(body), secrets, 1, a, &e));
    CHECK(e.errinfo == NULL && e.fields == NULL);
    dh_arena_free(a);
}

/* Attack: a body that is not JSON (cut short, say) has no tree to look in, and its bytes were the
 * only thing checked: a secret spelt with an escape every few characters has no run of 8 in them,
 * yet anyone who reads the body as the JSON it almost is reads the secret. Such a body is withheld.
 */
static void escaped_secret_in_broken_json(void) {
    dh_arena *a = dh_arena_new();
    dh_error e;
    const char *secrets[] = {"pa55word-and-more"};
    const char *cut[] = {"{\"message\":\"pa5\\u0035word-a\\u006ed-more\"",
                         "{\"x\":\"pa5\\u0035wor\\u0064-and-more\",,}",
                         "{\"message\":\"m\"} \"pa5\\u0035word-a\\u006ed-more\""};
    for (size_t i = 0; i < 3; i++)
        CHECK(!dh_error_from_response(400, cut[i], strlen(cut[i]), secrets, 1, a, &e));
    const char *plain = "<html>no escapes here</html>";
    CHECK(dh_error_from_response(502, plain, strlen(plain), secrets, 1, a, &e));
    dh_arena_free(a);
}

/* The one redactor (redact.c): it keeps no secret text a window long or more, matches ASCII
 * letters in either case (header names are lowercased), widens a stretch to whole UTF-8
 * characters, looks in its `also` too, and a remembering one forgets its oldest secret first. */
static void redactor(void) {
    dh_arena *a = dh_arena_new();
    char *jwt = dh_strdup("eyJhbGciOiJIUzI1NiJ9.payload.sig"), *pin = dh_strdup("p1n");
    dh_redactor *r = dh_redactor_new(42, 0);
    CHECK(dh_redactor_empty(r));
    CHECK(dh_redactor_add(r, jwt) && dh_redactor_add(r, pin) && dh_redactor_add(r, NULL));
    dh_wipe_free(jwt);
    dh_wipe_free(pin);
    CHECK_STR(dh_redactor_apply(a, r, "x payload.sig y"), "x [redacted] y");
    CHECK_STR(dh_redactor_apply(a, r, "got p1n"), "got [redacted]");
    CHECK_STR(dh_redactor_apply(a, r, "x-payload.SIG"), "x-[redacted]");
    CHECK_STR(dh_redactor_apply(a, r, "\xc3\xa9payload.sig\xc3\xa9"), "\xc3\xa9[redacted]\xc3\xa9");
    CHECK_STR(dh_redactor_apply(a, r, "payload.sigXpayload.sig"), "[redacted]X[redacted]");
    CHECK_STR(dh_redactor_apply(a, r, "payload.sigpayload.sig"), "[redacted]");
    CHECK_STR(dh_redactor_apply(a, r, "nothing"), "nothing");
    dh_redactor *made = dh_redactor_new(7, 2);
    dh_redactor_set_also(r, made);
    CHECK(dh_redactor_add(made, "dckr_oat_AAAAAAAAAAAA") &&
          dh_redactor_add(made, "dckr_oat_BBBBBBBBBBBB"));
    CHECK(dh_redactor_finds(r, "xAAAAAAAAx", 10) && dh_redactor_finds(r, "BBBBBBBB", 8));
    CHECK(!dh_redactor_finds(r, "dckr_oat", 8));
    CHECK(dh_redactor_add(made, "dckr_oat_BBBBBBBBBBBB") &&
          dh_redactor_count(made) == 2); /* kept once */
    CHECK(dh_redactor_finds(r, "AAAAAAAA", 8));
    CHECK(dh_redactor_add(made, "dckr_oat_CCCCCCCCCCCC") && dh_redactor_count(made) == 2);
    CHECK(!dh_redactor_finds(r, "AAAAAAAA", 8) && dh_redactor_finds(r, "cccccccc", 8));
    dh_redactor_free(made);
    dh_redactor_free(r);
    CHECK(dh_redactor_finds(NULL, "x", 1) && !dh_redactor_finds(NULL, "", 0));
    CHECK_STR(dh_redactor_apply(a, NULL, "anything"), "[redacted]");
    dh_arena_free(a);
}

TEST_GROUP(error_tests) = {{"redactor", redactor},
                           {"escaped_secret_in_broken_json", escaped_secret_in_broken_json},
                           {"errinfo_and_fields", errinfo_and_fields},
                           {"status_codes", status_codes},
                           {"echoed_secrets", echoed_secrets},
                           {"long_messages_are_clipped", long_messages_are_clipped},
                           {"redaction", redaction},
                           {"secret_straddling_the_cut", secret_straddling_the_cut},
                           {"secret_runs", secret_runs},
                           END_GROUP};
