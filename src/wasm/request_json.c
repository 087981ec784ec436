/* Requests as JSON text to dh_create_request and dh_update_request (see request_json.h). The
 * tree and the arrays live in one arena: a dh_request_json is that arena. */
#include <string.h>

#include "cJSON.h"
#include "internal.h"
#include "request_json.h"

struct dh_request_json {
    dh_arena *arena;
};

static const char *decode_resources(const cJSON *arr, dh_arena *a, const dh_resource **out,
                                    size_t *n) {
    switch (dh_decode_resources(arr, a, true, out, n)) {
    case DH_RES_OK: return NULL;
    case DH_RES_NO_MEMORY: return DH_OOM_MESSAGE;
    case DH_RES_NOT_ARRAY: return "resources must be an array";
    case DH_RES_NOT_OBJECT: return "resources: each must be an object {type, path, scopes}";
    case DH_RES_TYPE: return "resources: each type must be TYPE_REPO or TYPE_ORG";
    case DH_RES_PATH: return "resources: each needs a non-empty path";
    case DH_RES_SCOPES: return "resources: scopes must be an array of non-empty strings";
    default: return "resources: each may have only type, path and scopes";
    }
}

/* The request's first field (NULL: none), its object parsed into a new arena that *held owns;
 * *why says why not where the text is not an object. */
static const cJSON *fields_of(const char *json, dh_request_json **held, const char **why) {
    *held = NULL;
    dh_arena *a = dh_arena_new();
    dh_request_json *h = a ? dh_arena_alloc(a, sizeof *h) : NULL;
    if (!h) {
        dh_arena_free(a);
        *why = DH_OOM_MESSAGE;
        return NULL;
    }
    h->arena = a;
    *held = h;
    const char *end = NULL;
    const cJSON *root = json ? dh_arena_parse_json(a, json, strlen(json), &end) : NULL;
    if (!root || !cJSON_IsObject(root)) *why = "the request must be an object";
    return *why ? NULL : root->child;
}

void dh_request_json_free(dh_request_json *held) {
    if (held) dh_arena_free(held->arena); /* held itself with it */
}

/* label and description, which both requests take alike: true when f is one of them. */
static bool take_words(const cJSON *f, const char **label, const char **description,
                       const char **why) {
    bool is_label = strcmp(f->string, "label") == 0;
    if (!is_label && strcmp(f->string, "description") != 0) return false;
    if (!cJSON_IsString(f))
        *why = is_label ? "label must be a string" : "description must be a string";
    else *(is_label ? label : description) = f->valuestring;
    return true;
}

const char *dh_create_request_from_json(const char *json, dh_request_json **held,
                                        dh_create_request *out) {
    memset(out, 0, sizeof *out);
    const char *why = NULL;
    for (const cJSON *f = fields_of(json, held, &why); f && !why; f = f->next) {
        if (take_words(f, &out->label, &out->description, &why)) continue;
        if (strcmp(f->string, "expires_at") == 0) {
            if (cJSON_IsString(f)) out->expires_at = f->valuestring;
            else if (!cJSON_IsNull(f))
                why = "expires_at must be an RFC 3339 date-time string or null";
        } else if (strcmp(f->string, "resources") == 0) {
            why = decode_resources(f, (*held)->arena, &out->resources, &out->resource_count);
        } else {
            why = "a create request takes only label, description, resources and expires_at";
        }
    }
    return why;
}

const char *dh_update_request_from_json(const char *json, dh_request_json **held,
                                        dh_update_request *out) {
    memset(out, 0, sizeof *out);
    out->is_active = -1;
    const char *why = NULL;
    for (const cJSON *f = fields_of(json, held, &why); f && !why; f = f->next) {
        if (take_words(f, &out->label, &out->description, &why)) continue;
        if (strcmp(f->string, "is_active") == 0) {
            if (!cJSON_IsBool(f)) why = "is_active must be true or false";
            else out->is_active = cJSON_IsTrue(f);
        } else if (strcmp(f->string, "resources") == 0) {
            out->has_resources = 1;
            why = decode_resources(f, (*held)->arena, &out->resources, &out->resource_count);
        } else if (strcmp(f->string, "expires_at") == 0) {
            why = "expires_at cannot be changed after a token is created";
        } else {
            why = "an update request takes only label, description, resources and is_active";
        }
    }
    return why;
}
