/* Request bodies as JSON text, with the API's wire names. */
#include <stdlib.h>

#include "cJSON.h"
#include "internal.h"

static bool add_resources(cJSON *obj, const dh_resource *res, size_t n) {
    cJSON *arr = cJSON_AddArrayToObject(obj, "resources");
    if (!arr) return false;
    for (size_t i = 0; i < n; i++) {
        cJSON *r = cJSON_CreateObject();
        if (!r || !cJSON_AddItemToArray(arr, r)) {
            cJSON_Delete(r);
            return false;
        }
        if (!cJSON_AddStringToObject(r, "type", res[i].type) ||
            !cJSON_AddStringToObject(r, "path", res[i].path))
            return false;
        cJSON *scopes = cJSON_AddArrayToObject(r, "scopes");
        if (!scopes) return false;
        for (size_t j = 0; j < res[i].scope_count; j++) {
            cJSON *s = cJSON_CreateString(res[i].scopes[j]);
            if (!s || !cJSON_AddItemToArray(scopes, s)) {
                cJSON_Delete(s);
                return false;
            }
        }
    }
    return true;
}

static char *print_and_free(cJSON *obj, bool ok) {
    char *s = ok ? cJSON_PrintUnformatted(obj) : NULL;
    cJSON_Delete(obj);
    return s;
}

char *dh_encode_create(const dh_create_request *req) {
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    bool ok = cJSON_AddStringToObject(o, "label", req->label) != NULL;
    if (ok && req->description) ok = cJSON_AddStringToObject(o, "description", req->description);
    if (ok && req->resource_count) ok = add_resources(o, req->resources, req->resource_count);
    if (ok && req->expires_at) ok = cJSON_AddStringToObject(o, "expires_at", req->expires_at);
    return print_and_free(o, ok);
}

char *dh_encode_update(const dh_update_request *req) {
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    bool ok = true;
    if (req->label) ok = cJSON_AddStringToObject(o, "label", req->label) != NULL;
    if (ok && req->description) ok = cJSON_AddStringToObject(o, "description", req->description);
    if (ok && req->has_resources) ok = add_resources(o, req->resources, req->resource_count);
    if (ok && req->is_active >= 0) ok = cJSON_AddBoolToObject(o, "is_active", req->is_active);
    return print_and_free(o, ok);
}

char *dh_encode_auth(const char *identifier, const char *secret) {
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    bool ok = cJSON_AddStringToObject(o, "identifier", identifier) &&
              cJSON_AddStringToObject(o, "secret", secret);
    char *s = ok ? cJSON_PrintUnformatted(o) : NULL;
    /* The tree held the secret too: wipe its copy before freeing. */
    cJSON *sec = cJSON_GetObjectItemCaseSensitive(o, "secret");
    if (sec && sec->valuestring) {
        volatile char *p = sec->valuestring;
        while (*p) *p++ = 0;
    }
    cJSON_Delete(o);
    return s;
}
