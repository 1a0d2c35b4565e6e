/**
 * JSON trees read and written with jackson-core's streaming API: what a short command needs of JSON without
 * building an {@code ObjectMapper} (about a third of a cold command's time), byte for byte as the mapper would.
 */
package dev.hostdev.engine.json;
