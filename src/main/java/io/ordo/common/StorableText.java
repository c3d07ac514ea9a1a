package io.ordo.common;

import java.io.IOException;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * The one rule for text that Ordo may store: PostgreSQL refuses U+0000 in {@code text} and {@code jsonb}, and a lone
 * (unpaired) UTF-16 surrogate has no UTF-8 form, so the driver would silently write {@code ?} instead. Text is stored
 * exactly or refused with a 400 naming the field, never changed.
 * <p>
 * The rule is applied once for every JSON reader: this customizer registers a String deserializer on the Quarkus
 * {@link ObjectMapper}, so every request body, every AMQP order and every inbound webhook body read through that mapper
 * refuses such text with the JSON path of the field (a tree kept as {@code JsonNode} is checked when it is bound to a
 * type). Query and path parameters go through {@link StorableParameters}.
 */
@Singleton
public class StorableText implements ObjectMapperCustomizer {
    static final String NUL = "must not contain the NUL character (U+0000)";
    static final String LONE_SURROGATE = "must be valid Unicode text (it contains an unpaired surrogate)";

    /** Why {@code text} cannot be stored as it is, or null when it can. */
    public static String refusal(CharSequence text) {
        if (text == null) {
            return null;
        }
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return NUL;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return LONE_SURROGATE;
                }
            }
        }
        return null;
    }

    @Override
    public void customize(ObjectMapper mapper) {
        SimpleModule module = new SimpleModule("ordo-storable-text");
        module.addDeserializer(String.class, new StorableStringDeserializer());
        module.addKeyDeserializer(String.class, new StorableKeyDeserializer());
        mapper.registerModule(module);
    }

    /** A JSON string whose text cannot be stored; Jackson adds the path of the field on its way out. */
    public static final class Refused extends MismatchedInputException {
        private final String reason;

        Refused(JsonParser parser, String reason) {
            super(parser, reason, String.class);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    /** Jackson's own String deserializer (coercion rules included), then the storability check. */
    static final class StorableStringDeserializer extends StdScalarDeserializer<String> {
        StorableStringDeserializer() {
            super(String.class);
        }

        @Override
        public LogicalType logicalType() {
            return LogicalType.Textual;
        }

        @Override
        public Object getEmptyValue(DeserializationContext context) {
            return "";
        }

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            return checked(parser, StringDeserializer.instance.deserialize(parser, context));
        }
    }

    static final class StorableKeyDeserializer extends KeyDeserializer {
        @Override
        public Object deserializeKey(String key, DeserializationContext context) throws IOException {
            return checked(context.getParser(), key);
        }
    }

    static String checked(JsonParser parser, String text) throws Refused {
        String reason = refusal(text);
        if (reason != null) {
            throw new Refused(parser, reason);
        }
        return text;
    }
}
