// The MQTT transport (being written).
