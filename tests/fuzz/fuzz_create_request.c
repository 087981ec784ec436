/* dh_create_request_from_json, dh_check_create, dh_encode_create: the round trip of round_trip.h.
 */
#define REQ_TYPE dh_create_request
#define REQ_FROM_JSON dh_create_request_from_json
#define REQ_CHECK dh_check_create
#define REQ_ENCODE dh_encode_create
#include "round_trip.h"
