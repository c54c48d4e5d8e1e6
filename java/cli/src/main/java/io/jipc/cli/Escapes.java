package io.jipc.cli;

/** Turns the escapes a shell user types ({@code \f}, {@code \n}, <code>&#92;u0000</code>...) into the characters. */
final class Escapes {
    private Escapes() {
    }

    /**
     * Supported: {@code \f \n \r \t \0 \\ \xHH} and <code>&#92;uHHHH</code>; any other escape is an error.
     *
     * @param option the option name, for the error message
     * @param text the argument as typed
     * @return the text with escapes replaced
     * @throws UsageException on an unknown or incomplete escape
     */
    static String unescape(String option, String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i == text.length()) {
                throw new UsageException(option + " " + text + ": ends with a lone backslash (write \\\\ for one)");
            }
            char e = text.charAt(i);
            switch (e) {
                case 'f': out.append('\f'); break;
                case 'n': out.append('\n'); break;
                case 'r': out.append('\r'); break;
                case 't': out.append('\t'); break;
                case '0': out.append('\0'); break;
                case '\\': out.append('\\'); break;
                case 'x':
                    out.append(hex(option, text, i + 1, 2));
                    i += 2;
                    break;
                case 'u':
                    out.append(hex(option, text, i + 1, 4));
                    i += 4;
                    break;
                default:
                    throw new UsageException(option + " " + text + ": unknown escape \\" + e
                            + " (known: \\f \\n \\r \\t \\0 \\\\ \\xHH \\uHHHH)");
            }
        }
        return out.toString();
    }

    private static char hex(String option, String text, int from, int digits) {
        if (from + digits > text.length()) {
            throw new UsageException(option + " " + text + ": escape needs " + digits + " hex digits");
        }
        try {
            return (char) Integer.parseInt(text.substring(from, from + digits), 16);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " " + text + ": escape needs " + digits + " hex digits");
        }
    }
}
