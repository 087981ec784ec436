/* Argument checks made before any request: each returns NULL or a static sentence. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dockerhub_oat_audit.h"
#include "internal.h"
#include "scopes.h"

static bool is_name_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

const char *dh_check_name(const char *name) {
    if (!name || !*name) return "must be a non-empty string";
    size_t n = 0;
    bool all_dots = true;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++, n++) {
        if (n >= DH_NAME_MAX) return "is longer than 255 characters";
        if (!is_name_char(*p)) return "may hold only letters, digits, '.', '_' and '-'";
        if (*p != '.') all_dots = false;
    }
    if (all_dots) return "may not be '.' or '..'";
    return NULL;
}

static int digits(const char *s, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int days_in_month(int y, int m) {
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

/* RFC 3339 section 5.6 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM). */
const char *dh_check_rfc3339(const char *s) {
    static const char *bad = "must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z";
    if (!s || strlen(s) < 20) return bad;
    int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
    int h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 ||
        se > 60 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
        s[16] != ':')
        return bad;
    if (d > days_in_month(y, mo)) return bad;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9') return bad;
        while (*p >= '0' && *p <= '9') p++;
    }
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') return NULL;
    if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh = digits(p + 1, 2), om = digits(p + 4, 2);
        if (oh >= 0 && oh <= 23 && om >= 0 && om <= 59) return NULL;
    }
    return bad;
}

typedef struct scope_hint {
    const char *name;    /* as sent, compared without case and without a "scope-" in any case */
    const char *message; /* static, so it can be returned as the refusal */
} scope_hint;

#define PREFIX_HINT(s)                                                                             \
    {s, "resources: scopes need the scope- prefix: for " s " use \"scope-" s "\""},
#define OLD_NAME(old, s) {old, "resources: \"" old "\" is an old scope name: use \"" s "\""},

/* Each real scope without its prefix, then names that old docs taught and scripts still send
 * (src/core/scopes.h, written from src/core/scopes.txt). */
/* clang-format off */
static const scope_hint scope_hints[] = {
    DH_REPO_SCOPES(PREFIX_HINT) DH_ORG_SCOPES(PREFIX_HINT) DH_OLD_SCOPE_NAMES(OLD_NAME)
};
/* clang-format on */

static char lower(char c) { return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c); }

/* Whether s begins with prefix, ignoring ASCII case; whole == true: and ends there too. */
static bool starts_ignoring_case(const char *s, const char *prefix, bool whole) {
    for (; *prefix; s++, prefix++)
        if (lower(*s) != lower(*prefix)) return false;
    return !whole || !*s;
}

/* Docker Hub ignores or refuses a scope without the prefix, and the token then lacks the
 * access it was made for: refuse it here, naming the scope meant where there is one. A scope
 * with the prefix passes even when this list lacks it: Docker Hub adds scopes. */
static const char *check_scope(const char *scope) {
    if (strncmp(scope, "scope-", 6) == 0) return NULL;
    const char *bare = starts_ignoring_case(scope, "scope-", false) ? scope + 6 : scope;
    for (size_t i = 0; i < sizeof scope_hints / sizeof *scope_hints; i++)
        if (starts_ignoring_case(bare, scope_hints[i].name, true)) return scope_hints[i].message;
    return "resources: each scope needs the scope- prefix, as in scope-image-pull or scope-member-read";
}

int64_t dh_days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The shape is dh_check_rfc3339's, so the digits below are known to be there. */
int dh_parse_rfc3339(const char *s, int64_t *out) {
    if (dh_check_rfc3339(s)) return -1;
    int64_t t = dh_days_from_civil(digits(s, 4), digits(s + 5, 2), digits(s + 8, 2)) * 86400 +
                (int64_t)digits(s + 11, 2) * 3600 + (int64_t)digits(s + 14, 2) * 60 +
                digits(s + 17, 2);
    const char *p = s + 19;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++) {}
    if (*p == '+' || *p == '-') {
        int64_t off = (int64_t)digits(p + 1, 2) * 3600 + (int64_t)digits(p + 4, 2) * 60;
        t += *p == '+' ? -off : off; /* local time + offset = UTC: subtract a positive offset */
    }
    *out = t;
    return 0;
}

const char *dh_check_resources(const dh_resource *res, size_t n) {
    if (n && !res) return "resources: missing array";
    for (size_t i = 0; i < n; i++) {
        const dh_resource *r = &res[i];
        if (!r->type || (strcmp(r->type, "TYPE_REPO") != 0 && strcmp(r->type, "TYPE_ORG") != 0))
            return "resources: each type must be TYPE_REPO or TYPE_ORG";
        if (!r->path || !*r->path) return "resources: each needs a non-empty path";
        if (r->scope_count == 0 || !r->scopes) return "resources: each needs at least one scope";
        for (size_t j = 0; j < r->scope_count; j++) {
            if (!r->scopes[j] || !*r->scopes[j])
                return "resources: scopes must be non-empty strings";
            const char *why = check_scope(r->scopes[j]);
            if (why) return why;
        }
    }
    return NULL;
}

const char *dh_check_create(const dh_create_request *req) {
    if (!req) return "a create request is required";
    if (!req->label || !*req->label) return "label is required and may not be empty";
    if (req->expires_at && dh_check_rfc3339(req->expires_at))
        return "expires_at must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z";
    return dh_check_resources(req->resources, req->resource_count);
}

const char *dh_check_update(const dh_update_request *req) {
    if (!req) return "an update request is required";
    if (req->label && !*req->label) return "label may not be empty";
    if (req->is_active < -1 || req->is_active > 1) return "is_active must be true or false";
    if (!req->label && !req->description && !req->has_resources && req->is_active == -1)
        return "an update needs at least one of label, description, resources, is_active";
    return req->has_resources ? dh_check_resources(req->resources, req->resource_count) : NULL;
}

const char *dh_check_list_options(const dh_list_options *o) {
    if (!o) return NULL;
    if (o->page < 0) return "page must be a whole number of at least 1";
    if (o->page_size < 0 || o->page_size > 100)
        return "page_size must be a whole number from 1 to 100";
    return NULL;
}

const char *dh_check_header_value(const char *v) {
    if (!v || !*v) return "must be a non-empty string";
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x21 || *p > 0x7e) return "may hold only visible ASCII characters";
    return NULL;
}

/* host[:port] or [v6]:port, len bytes: a name of letters, digits, '.', '-', '_' and a port of
 * 1..65535, so that a URL the host's URL parser refuses is refused here, before any request. */
static bool authority_ok(const char *a, size_t len) {
    size_t i = 0;
    if (len && a[0] == '[') {
        while (i < len && a[i] != ']') i++;
        if (i == len || i < 3) return false;
        for (size_t k = 1; k < i; k++)
            if (!isxdigit((unsigned char)a[k]) && a[k] != ':' && a[k] != '.') return false;
        i++;
    } else {
        while (i < len &&
               (isalnum((unsigned char)a[i]) || a[i] == '.' || a[i] == '-' || a[i] == '_'))
            i++;
        if (i == 0) return false;
    }
    if (i == len) return true;
    if (a[i] != ':' || len - i < 2 || len - i > 6) return false;
    long port = 0;
    for (size_t k = i + 1; k < len; k++) {
        if (!isdigit((unsigned char)a[k])) return false;
        port = port * 10 + (a[k] - '0');
    }
    return port >= 1 && port <= 65535;
}

const char *dh_check_base_url(const char *base_url, char **out) {
    static const char *bad =
        "base_url must be an http(s) URL with a host and no query, fragment or user";
    *out = NULL;
    if (!base_url) base_url = DH_DEFAULT_BASE_URL;
    size_t scheme;
    if (strncmp(base_url, "https://", 8) == 0) scheme = 8;
    else if (strncmp(base_url, "http://", 7) == 0) scheme = 7;
    else return bad;
    const char *host = base_url + scheme;
    if (!*host || *host == '/' || *host == ':') return bad;
    for (const unsigned char *p = (const unsigned char *)base_url; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f || *p == '?' || *p == '#' || *p == '@' || *p == '\\')
            return bad;
    const char *slash = strchr(host, '/');
    if (!authority_ok(host, slash ? (size_t)(slash - host) : strlen(host)))
        return "base_url must name a host (letters, digits, '.', '-', '_', or an [IPv6] address) and at most a port from 1 to 65535";
    size_t n = strlen(base_url);
    while (n > scheme && base_url[n - 1] == '/') n--;
    char *copy = dh_malloc(n + 1);
    if (!copy) return DH_OOM_MESSAGE;
    memcpy(copy, base_url, n);
    copy[n] = '\0';
    *out = copy;
    return NULL;
}
