/* dh_update_request_from_json, dh_check_update, dh_encode_update: the round trip of round_trip.h.
 */
#define REQ_TYPE dh_update_request
#define REQ_FROM_JSON dh_update_request_from_json
#define REQ_CHECK dh_check_update
#define REQ_ENCODE dh_encode_update
#include "round_trip.h"
