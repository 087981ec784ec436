/* Create and update requests given as JSON text (how the JS bindings hand them over), decoded
 * strictly: a key the API does not take, or a value of the wrong type, is refused. */
#include <string.h>

#include "cJSON.h"
#include "internal.h"

static const char *decode_resources(const cJSON *arr, dh_arena *a, const dh_resource **out, size_t *n) {
    if (!cJSON_IsArray(arr)) return "resources must be an array";
    size_t count = (size_t)cJSON_GetArraySize(arr);
    dh_resource *res = dh_arena_alloc(a, (count ? count : 1) * sizeof *res);
    if (!res) return "out of memory";
    size_t i = 0;
    for (const cJSON *r = arr->child; r; r = r->next, i++) {
        if (!cJSON_IsObject(r)) return "resources: each must be an object {type, path, scopes}";
        const cJSON *type = NULL, *path = NULL, *scopes = NULL;
        for (const cJSON *f = r->child; f; f = f->next) {
            if (strcmp(f->string, "type") == 0) type = f;
            else if (strcmp(f->string, "path") == 0) path = f;
            else if (strcmp(f->string, "scopes") == 0) scopes = f;
            else return "resources: each may have only type, path and scopes";
        }
        if (!type || !cJSON_IsString(type)) return "resources: each type must be TYPE_REPO or TYPE_ORG";
        if (!path || !cJSON_IsString(path)) return "resources: each needs a non-empty path";
        if (!scopes || !cJSON_IsArray(scopes)) return "resources: scopes must be an array of non-empty strings";
        size_t m = (size_t)cJSON_GetArraySize(scopes);
        const char **sc = dh_arena_alloc(a, (m ? m : 1) * sizeof *sc);
        if (!sc) return "out of memory";
        size_t j = 0;
        for (const cJSON *s = scopes->child; s; s = s->next, j++) {
            if (!cJSON_IsString(s)) return "resources: scopes must be an array of non-empty strings";
            sc[j] = s->valuestring;
        }
        res[i] = (dh_resource){type->valuestring, path->valuestring, sc, m};
    }
    *out = res;
    *n = count;
    return NULL;
}

static const char *parse_object(const char *json, cJSON **root) {
    *root = json ? cJSON_Parse(json) : NULL;
    return *root && cJSON_IsObject(*root) ? NULL : "the request must be an object";
}

const char *dh_create_request_from_json(const char *json, dh_arena *a, cJSON **root,
                                        dh_create_request *out) {
    memset(out, 0, sizeof *out);
    const char *why = parse_object(json, root);
    for (const cJSON *f = why ? NULL : (*root)->child; f && !why; f = f->next) {
        if (strcmp(f->string, "label") == 0) {
            if (!cJSON_IsString(f)) why = "label must be a string";
            else out->label = f->valuestring;
        } else if (strcmp(f->string, "description") == 0) {
            if (!cJSON_IsString(f)) why = "description must be a string";
            else out->description = f->valuestring;
        } else if (strcmp(f->string, "expires_at") == 0) {
            if (cJSON_IsString(f)) out->expires_at = f->valuestring;
            else if (!cJSON_IsNull(f)) why = "expires_at must be an RFC 3339 date-time string or null";
        } else if (strcmp(f->string, "resources") == 0) {
            why = decode_resources(f, a, &out->resources, &out->resource_count);
        } else {
            why = "a create request takes only label, description, resources and expires_at";
        }
    }
    return why;
}

const char *dh_update_request_from_json(const char *json, dh_arena *a, cJSON **root,
                                        dh_update_request *out) {
    memset(out, 0, sizeof *out);
    out->is_active = -1;
    const char *why = parse_object(json, root);
    for (const cJSON *f = why ? NULL : (*root)->child; f && !why; f = f->next) {
        if (strcmp(f->string, "label") == 0) {
            if (!cJSON_IsString(f)) why = "label must be a string";
            else out->label = f->valuestring;
        } else if (strcmp(f->string, "description") == 0) {
            if (!cJSON_IsString(f)) why = "description must be a string";
            else out->description = f->valuestring;
        } else if (strcmp(f->string, "is_active") == 0) {
            if (!cJSON_IsBool(f)) why = "is_active must be true or false";
            else out->is_active = cJSON_IsTrue(f);
        } else if (strcmp(f->string, "resources") == 0) {
            out->has_resources = 1;
            why = decode_resources(f, a, &out->resources, &out->resource_count);
        } else if (strcmp(f->string, "expires_at") == 0) {
            why = "expires_at cannot be changed after a token is created";
        } else {
            why = "an update request takes only label, description, resources and is_active";
        }
    }
    return why;
}
