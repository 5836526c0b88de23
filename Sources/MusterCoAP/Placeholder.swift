// The CoAP transport (being written).
