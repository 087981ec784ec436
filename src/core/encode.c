/* Request bodies as JSON text, with the API's wire names. They hold only strings, booleans and
 * arrays, so a writer this small serves, and no number printing (the printf family) is linked. */
#include <stdlib.h>

#include "internal.h"

static void field(dh_buf *b, const char *name, const char *value, bool *first) {
    dh_buf_puts(b, *first ? "{" : ",");
    *first = false;
    dh_buf_json_string(b, name);
    dh_buf_puts(b, ":");
    if (value) dh_buf_json_string(b, value);
}

/* [{"type": ..., "path": ..., "scopes": [...]}, ...]: the one writer of a resource list. */
void dh_encode_resources(dh_buf *b, const dh_resource *res, size_t n) {
    dh_buf_puts(b, "[");
    for (size_t i = 0; i < n; i++) {
        bool f = true;
        if (i) dh_buf_puts(b, ",");
        field(b, "type", res[i].type, &f);
        field(b, "path", res[i].path, &f);
        field(b, "scopes", NULL, &f);
        dh_buf_puts(b, "[");
        for (size_t j = 0; j < res[i].scope_count; j++) {
            if (j) dh_buf_puts(b, ",");
            dh_buf_json_string(b, res[i].scopes[j]);
        }
        dh_buf_puts(b, "]}");
    }
    dh_buf_puts(b, "]");
}

static void resources(dh_buf *b, const dh_resource *res, size_t n, bool *first) {
    field(b, "resources", NULL, first);
    dh_encode_resources(b, res, n);
}

static char *finish(dh_buf *b, bool first) {
    dh_buf_puts(b, first ? "{}" : "}");
    return dh_buf_take(b);
}

char *dh_encode_create(const dh_create_request *req) {
    dh_buf b = {0};
    bool first = true;
    field(&b, "label", req->label, &first);
    if (req->description) field(&b, "description", req->description, &first);
    if (req->resource_count) resources(&b, req->resources, req->resource_count, &first);
    if (req->expires_at) field(&b, "expires_at", req->expires_at, &first);
    return finish(&b, first);
}

char *dh_encode_update(const dh_update_request *req) {
    dh_buf b = {0};
    bool first = true;
    if (req->label) field(&b, "label", req->label, &first);
    if (req->description) field(&b, "description", req->description, &first);
    if (req->has_resources) resources(&b, req->resources, req->resource_count, &first);
    if (req->is_active >= 0) {
        field(&b, "is_active", NULL, &first);
        dh_buf_puts(&b, req->is_active ? "true" : "false");
    }
    return finish(&b, first);
}

char *dh_encode_auth(const char *identifier, const char *secret) {
    dh_buf b = {.wipe = true};
    bool first = true;
    field(&b, "identifier", identifier, &first);
    field(&b, "secret", secret, &first);
    return finish(&b, first);
}
