package dev.socketeer.protocol.socketio;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.POJONode;

/**
 * Writes Java values and Jackson trees as JSON exactly like JavaScript's {@code JSON.stringify}
 * (key order kept, integral numbers without a fraction, no whitespace, the same string escapes),
 * replacing binary values depth-first with attachment placeholders.
 */
final class JsonWriter {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final JsonMapper mapper;

    JsonWriter(JsonMapper mapper) {
        this.mapper = mapper;
    }

    void write(Object value, StringBuilder out, List<byte[]> attachments) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof JsonNode node) {
            writeNode(node, out, attachments);
        } else if (value instanceof String s) {
            writeString(s, out);
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof Float f) {
            out.append(jsNumber(f.isInfinite() || f.isNaN() ? f.doubleValue() : Double.parseDouble(Float.toString(f))));
        } else if (value instanceof Number n) {
            out.append(jsNumber(n.doubleValue()));
        } else if (value instanceof byte[] bytes) {
            placeholder(bytes, out, attachments);
        } else if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            placeholder(bytes, out, attachments);
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            boolean first = true;
            for (Object element : list) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(element, out, attachments);
            }
            out.append(']');
        } else if (value instanceof Object[] array) {
            write(List.of(array), out, attachments);
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                writeString(String.valueOf(entry.getKey()), out);
                out.append(':');
                write(entry.getValue(), out, attachments);
            }
            out.append('}');
        } else if (value instanceof Character c) {
            writeString(c.toString(), out);
        } else {
            JsonNode tree = mapper.valueToTree(value);
            if (tree instanceof POJONode) {
                // the mapper could not turn it into a tree: let it write the value as it would
                out.append(mapper.writeValueAsString(value));
            } else {
                writeNode(tree, out, attachments);
            }
        }
    }

    private void writeNode(JsonNode node, StringBuilder out, List<byte[]> attachments) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonNode> entry : node.properties()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    writeString(entry.getKey(), out);
                    out.append(':');
                    writeNode(entry.getValue(), out, attachments);
                }
                out.append('}');
            }
            case ARRAY -> {
                out.append('[');
                for (int i = 0; i < node.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    writeNode(node.get(i), out, attachments);
                }
                out.append(']');
            }
            case STRING -> writeString(node.stringValue(), out);
            case NUMBER -> {
                if (node.isIntegralNumber()) {
                    out.append(node.numberValue());
                } else if (node.isFloat()) {
                    write(node.floatValue(), out, attachments);
                } else {
                    out.append(jsNumber(node.doubleValue()));
                }
            }
            case BOOLEAN -> out.append(node.booleanValue());
            case BINARY -> placeholder(node.binaryValue(), out, attachments);
            case POJO -> write(((POJONode) node).getPojo(), out, attachments);
            default -> out.append("null");
        }
    }

    private static void placeholder(byte[] bytes, StringBuilder out, List<byte[]> attachments) {
        out.append("{\"_placeholder\":true,\"num\":").append(attachments.size()).append('}');
        attachments.add(bytes);
    }

    /** JSON.stringify's string quoting (well-formed: lone surrogates escaped). */
    static void writeString(String s, StringBuilder out) {
        out.append('"');
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        unicodeEscape(c, out);
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
                            out.append(c).append(s.charAt(++i));
                        } else {
                            unicodeEscape(c, out);
                        }
                    } else if (Character.isLowSurrogate(c)) {
                        unicodeEscape(c, out);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void unicodeEscape(char c, StringBuilder out) {
        out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF])
                .append(HEX[c & 0xF]);
    }

    /** JavaScript's Number-to-String for a double; non-finite numbers become {@code null} as in JSON.stringify. */
    static String jsNumber(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "null";
        }
        if (d == 0) {
            return "0";
        }
        double abs = Math.abs(d);
        if (d == Math.rint(d) && abs < 9.007199254740992E15) {
            return Long.toString((long) d);
        }
        BigDecimal decimal = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        if (abs >= 1e-6 && abs < 1e21) {
            return decimal.toPlainString();
        }
        String digits = decimal.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - decimal.scale();
        StringBuilder out = new StringBuilder();
        if (d < 0) {
            out.append('-');
        }
        out.append(digits.charAt(0));
        if (digits.length() > 1) {
            out.append('.').append(digits, 1, digits.length());
        }
        return out.append('e').append(exponent >= 0 ? '+' : '-').append(Math.abs(exponent)).toString();
    }
}
