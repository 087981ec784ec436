#include "internal.h"
#include "test.h"

static void check_error(int status, const char *body, dh_code code, const char *message) {
    dh_arena *a = dh_arena_new();
    dh_error e;
    dh_error_from_response(status, body, body ? strlen(body) : 0, a, &e);
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
    check_error(404, "{\"message\":\"not found\",\"detail\":\"token\"}", DH_ERR_NOT_FOUND, "not found");
    check_error(409, "{}", DH_ERR_CONFLICT, "Docker Hub answered HTTP 409 with a body that is not a JSON error");
    check_error(429, "{\"detail\":\"Rate limit exceeded\",\"error\":false}", DH_ERR_RATE_LIMITED, "Rate limit exceeded");
    check_error(502, "<html><body>Bad gateway</body></html>", DH_ERR_SERVER_ERROR,
                "Docker Hub answered HTTP 502 with a body that is not a JSON error");
    check_error(503, NULL, DH_ERR_SERVER_ERROR, "Docker Hub answered HTTP 503 with no body");
    check_error(418, "[1,2]", DH_ERR_UNEXPECTED_STATUS, "Docker Hub answered HTTP 418 with a body that is not a JSON error");
    check_error(302, "", DH_ERR_UNEXPECTED_STATUS, "Docker Hub answered HTTP 302 with no body");
    check_error(400, "{\"message\":5,\"text\":\"bad\"}", DH_ERR_BAD_REQUEST, "bad");
}

static void error_objects(void) {
    dh_arena *a = dh_arena_new();
    dh_error e;
    const char *body = "{\"message\":\"m\",\"errinfo\":{\"k\":\"v\"},\"fields\":{\"label\":[\"x\"]},\"detail\":\"d\"}";
    dh_error_from_response(401, body, strlen(body), a, &e);
    CHECK_STR(e.errinfo_json, "{\"k\":\"v\"}");
    CHECK_STR(e.fields_json, "{\"label\":[\"x\"]}");
    CHECK_STR(e.detail, "d");
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
    dh_error_from_response(500, body, strlen(body), a, &e);
    CHECK(strlen(e.message) == 1003);
    dh_arena_free(a);
}

static void redaction(void) {
    dh_arena *a = dh_arena_new();
    const char *secrets[] = {"s3cret", NULL, ""};
    CHECK_STR(dh_redact(a, "bad secret s3cret for s3cret!", secrets, 3), "bad secret [redacted] for [redacted]!");
    CHECK_STR(dh_redact(a, "nothing here", secrets, 3), "nothing here");
    CHECK(dh_redact(a, NULL, secrets, 3) == NULL);
    dh_arena_free(a);
}

TEST_GROUP(error_tests) = {{"status_codes", status_codes}, {"error_objects", error_objects},
                           {"long_messages_are_clipped", long_messages_are_clipped},
                           {"redaction", redaction}, END_GROUP};
