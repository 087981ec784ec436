/* Response bodies to typed structs. A body that is not what the API promises gets a sentence
 * saying why; fields the spec lacks stay in the tree untouched (the JS bindings parse the body
 * itself). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "internal.h"

/* Eight bytes at a time while they are all ASCII: most of a body is. */
static size_t ascii_prefix(const unsigned char *s, size_t n) {
    size_t i = 0;
    for (uint64_t w; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080u) break;
    }
    while (i < n && s[i] < 0x80) i++;
    return i;
}

/* RFC 8259 asks for UTF-8; refusing anything else up front keeps every later string sane. */
static bool valid_utf8(const unsigned char *s, size_t n) {
    size_t i = 0;
    while ((i += ascii_prefix(s + i, n - i)) < n) {
        unsigned char c = s[i];
        size_t len;
        uint32_t cp;
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else return false;
        if (len > n - i) return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

/* The tree goes into the arena: no malloc per node, and no cJSON_Delete. */
static const char *parse(const char *body, size_t len, dh_arena *a, cJSON **root) {
    *root = NULL;
    if (!body || len == 0) return "the response body is empty";
    if (!valid_utf8((const unsigned char *)body, len))
        return "the response body is not valid UTF-8";
    const char *end = NULL;
    *root = dh_arena_parse_json(a, body, len, &end);
    if (!*root)
        return dh_arena_parse_ran_out() ? DH_OOM_MESSAGE : "the response body is not valid JSON";
    for (const char *p = end; p < body + len; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            return "the response body is not valid JSON";
    if (!cJSON_IsObject(*root)) return "the response body is not a JSON object";
    return NULL;
}

typedef enum { OPT, NULLABLE, REQUIRED } need;

/* A string field: absent leaves *out NULL; null is allowed only where nullable. */
static const char *take_string(const cJSON *v, need n, const char **out, const char *why) {
    if (cJSON_IsNull(v) && n == NULLABLE) return NULL;
    if (!cJSON_IsString(v) || (n == REQUIRED && !*v->valuestring)) return why;
    *out = v->valuestring;
    return NULL;
}

dh_resource_fault dh_decode_resources(const cJSON *arr, dh_arena *a, bool only_known,
                                      const dh_resource **out, size_t *count) {
    if (!cJSON_IsArray(arr)) return DH_RES_NOT_ARRAY;
    size_t n = (size_t)cJSON_GetArraySize(arr);
    dh_resource *res = dh_arena_alloc(a, (n ? n : 1) * sizeof *res);
    if (!res) return DH_RES_NO_MEMORY;
    size_t i = 0;
    for (const cJSON *r = arr->child; r; r = r->next, i++) {
        if (!cJSON_IsObject(r)) return DH_RES_NOT_OBJECT;
        /* Each known key once: JS reads the last of two duplicates, cJSON the first. */
        const cJSON *type = NULL, *path = NULL, *scopes = NULL;
        for (const cJSON *f = r->child; f; f = f->next) {
            const char *k = f->string;
            const cJSON **slot = k[0] == 't' && strcmp(k, "type") == 0     ? &type
                                 : k[0] == 'p' && strcmp(k, "path") == 0   ? &path
                                 : k[0] == 's' && strcmp(k, "scopes") == 0 ? &scopes
                                                                           : NULL;
            if (slot && *slot) return DH_RES_DUPLICATE;
            if (!slot && only_known) return DH_RES_UNKNOWN_KEY;
            if (slot) *slot = f;
        }
        if (!type || !cJSON_IsString(type)) return DH_RES_TYPE;
        if (!path || !cJSON_IsString(path)) return DH_RES_PATH;
        if (!scopes || !cJSON_IsArray(scopes)) return DH_RES_SCOPES;
        size_t m = (size_t)cJSON_GetArraySize(scopes);
        const char **sc = dh_arena_alloc(a, (m ? m : 1) * sizeof *sc);
        if (!sc) return DH_RES_NO_MEMORY;
        size_t j = 0;
        for (const cJSON *s = scopes->child; s; s = s->next, j++) {
            if (!cJSON_IsString(s)) return DH_RES_SCOPES;
            sc[j] = s->valuestring;
        }
        res[i] = (dh_resource){type->valuestring, path->valuestring, sc, m};
    }
    *out = res;
    *count = n;
    return DH_RES_OK;
}

/* A response's resources: any fault is the server's, told in one sentence. */
static const char *decode_resources(const cJSON *arr, dh_arena *a, dh_token *t) {
    switch (dh_decode_resources(arr, a, false, &t->resources, &t->resource_count)) {
    case DH_RES_OK: return NULL;
    case DH_RES_NO_MEMORY: return DH_OOM_MESSAGE;
    case DH_RES_DUPLICATE: return "a token's resource has a duplicate field";
    default: return "a token's resources are not an array of {type, path, scopes}";
    }
}

/* The known fields, each allowed once: a duplicate could make two readers see two values. */
enum { F_ID, F_LABEL, F_DESC, F_BY, F_ACTIVE, F_CREATED, F_EXPIRES, F_USED, F_TOKEN, F_RES, F_N };

/* At most two comparisons per key, where a loop over the ten names made up to ten. */
static int token_field(const char *k) {
#define IS(name, f) (strcmp(k, name) == 0 ? (f) : F_N)
    switch (k[0]) {
    case 'i': return k[1] == 'd' && !k[2] ? F_ID : IS("is_active", F_ACTIVE);
    case 'l': return k[1] == 'a' && k[2] == 'b' ? IS("label", F_LABEL) : IS("last_used_at", F_USED);
    case 'c':
        return strncmp(k, "created_", 8) ? F_N
               : k[8] == 'b'             ? IS("created_by", F_BY)
                                         : IS("created_at", F_CREATED);
    case 'd': return IS("description", F_DESC);
    case 'e': return IS("expires_at", F_EXPIRES);
    case 't': return IS("token", F_TOKEN);
    case 'r': return IS("resources", F_RES);
    default: return F_N;
    }
#undef IS
}

const char *dh_decode_token_object(const cJSON *o, dh_arena *a, dh_token *t) {
    memset(t, 0, sizeof *t);
    t->is_active = -1;
    if (!cJSON_IsObject(o)) return "a token is not a JSON object";
    bool seen[F_N] = {false};
    for (const cJSON *v = o->child; v; v = v->next) {
        int f = token_field(v->string);
        if (f == F_N) continue; /* unknown: kept in the tree, passed through */
        if (seen[f]) return "a token has a duplicate field";
        seen[f] = true;
        const char *why = NULL;
        switch (f) {
        /* clang-format off */
        case F_ID: why = take_string(v, REQUIRED, &t->id, "a token's id is not a non-empty string"); break;
        case F_LABEL: why = take_string(v, OPT, &t->label, "a token's label is not a string"); break;
        case F_DESC: why = take_string(v, NULLABLE, &t->description, "a token's description is not a string"); break;
        case F_BY: why = take_string(v, NULLABLE, &t->created_by, "a token's created_by is not a string"); break;
        case F_CREATED: why = take_string(v, OPT, &t->created_at, "a token's created_at is not a string"); break;
        case F_EXPIRES: why = take_string(v, NULLABLE, &t->expires_at, "a token's expires_at is not a string"); break;
        case F_USED: why = take_string(v, NULLABLE, &t->last_used_at, "a token's last_used_at is not a string"); break;
        case F_TOKEN: why = take_string(v, REQUIRED, &t->token, "a token's secret is not a non-empty string"); break;
        /* clang-format on */
        case F_ACTIVE:
            if (!cJSON_IsBool(v)) why = "a token's is_active is not a boolean";
            else t->is_active = cJSON_IsTrue(v);
            break;
        case F_RES: why = decode_resources(v, a, t); break;
        }
        if (why) return why;
    }
    if (!t->id) return "a token has no id";
    return NULL;
}

const char *dh_decode_token(const char *body, size_t len, dh_arena *a, cJSON **root,
                            dh_token *out) {
    const char *why = parse(body, len, a, root);
    return why ? why : dh_decode_token_object(*root, a, out);
}

const char *dh_decode_page(const char *body, size_t len, dh_arena *a, cJSON **root,
                           dh_token_page *out) {
    memset(out, 0, sizeof *out);
    const char *why = parse(body, len, a, root);
    if (why) return why;
    const cJSON *results = NULL, *total = NULL;
    bool seen_next = false, seen_prev = false;
    for (const cJSON *v = (*root)->child; v; v = v->next) {
        if (strcmp(v->string, "results") == 0) {
            if (results) return "a list page has a duplicate field";
            results = v;
        } else if (strcmp(v->string, "total") == 0) {
            if (total) return "a list page has a duplicate field";
            total = v;
        } else if (strcmp(v->string, "next") == 0 || strcmp(v->string, "previous") == 0) {
            bool is_next = v->string[0] == 'n';
            if (is_next ? seen_next : seen_prev) return "a list page has a duplicate field";
            *(is_next ? &seen_next : &seen_prev) = true;
            why = take_string(v, NULLABLE, is_next ? &out->next : &out->previous,
                              "a list page's next or previous is not a string or null");
            if (why) return why;
        }
    }
    if (!results || !cJSON_IsArray(results)) return "a list page has no results array";
    size_t n = (size_t)cJSON_GetArraySize(results);
    if (total) {
        if (!cJSON_IsNumber(total) || !isfinite(total->valuedouble) || total->valuedouble < 0 ||
            total->valuedouble > 9007199254740991.0 ||
            total->valuedouble != floor(total->valuedouble))
            return "a list page's total is not a whole number";
        out->total = (int64_t)total->valuedouble;
    } else {
        out->total = -1; /* unknown: the pager then follows next alone */
    }
    dh_token *tokens = dh_arena_alloc(a, (n ? n : 1) * sizeof *tokens);
    if (!tokens) return DH_OOM_MESSAGE;
    size_t i = 0;
    for (const cJSON *item = results->child; item; item = item->next, i++) {
        why = dh_decode_token_object(item, a, &tokens[i]);
        if (why) return why;
    }
    out->results = tokens;
    out->count = n;
    return NULL;
}

char *dh_decode_auth(const char *body, size_t len, const char **why) {
    dh_arena *a = dh_arena_new();
    if (!a) {
        *why = DH_OOM_MESSAGE;
        return NULL;
    }
    cJSON *root = NULL;
    *why = parse(body, len, a, &root);
    char *jwt = NULL;
    if (!*why) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(root, "access_token");
        if (!cJSON_IsString(t) || dh_check_header_value(t->valuestring))
            *why = "the sign-in answer has no usable access_token";
        else if (!(jwt = dh_strdup(t->valuestring))) *why = DH_OOM_MESSAGE;
        if (cJSON_IsString(t)) dh_wipe(t->valuestring, strlen(t->valuestring));
    }
    dh_arena_free(a);
    return jwt;
}
