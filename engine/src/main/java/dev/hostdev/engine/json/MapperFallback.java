package dev.hostdev.engine.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one place this package builds an {@code ObjectMapper}: for a tree holding a node only a mapper can write (a
 * POJO or binary node), which Hostdev's own commands never build. A class of its own so that the mapper's classes
 * load only when it is called.
 */
final class MapperFallback {
    private MapperFallback() {
    }

    static String write(JsonNode node) {
        try {
            return Holder.MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static final class Holder {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
}
