package dev.socketeer.guide;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The user guide's code is real code: every {@code ```java} block of {@code docs/guide/*.md} and of the README is a
 * contiguous run of lines (up to a common indentation) of a file under this package, which the build compiles. And
 * the documentation holds together: every relative link resolves (anchors included), and the guide's index lists
 * every page.
 */
class GuideSnippetsTest {

    private static final Pattern FENCE = Pattern.compile("^(\\s*)```(\\w*)\\s*$");
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");

    private static final Path ROOT = repositoryRoot();
    private static final Path GUIDE = ROOT.resolve("docs/guide");
    private static final Path CODE = ROOT.resolve("socketio-spring-boot-autoconfigure/src/test/java/dev/socketeer/guide");

    @Test
    void everyJavaBlockOfTheGuideAndTheReadmeIsCompiledCode() throws IOException {
        Map<Path, List<String>> code = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(CODE)) {
            files.filter(file -> file.toString().endsWith(".java")).sorted()
                    .forEach(file -> code.put(file, trimmedLines(file)));
        }
        List<String> missing = new ArrayList<>();
        int blocks = 0;
        for (Path page : pages()) {
            for (Block block : javaBlocks(page)) {
                blocks++;
                if (code.values().stream().noneMatch(lines -> contains(lines, block.lines()))) {
                    missing.add(ROOT.relativize(page) + ":" + block.line() + " (" + block.lines().get(0).strip() + ")");
                }
            }
        }
        assertThat(blocks).as("java blocks found").isPositive();
        assertThat(missing).as("java blocks that are not a run of lines of a file under %s: put the code in a class "
                + "there (it is compiled) and copy it verbatim", ROOT.relativize(CODE)).isEmpty();
    }

    @Test
    void everyRelativeLinkOfTheDocumentationResolves() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("CHANGELOG.md")));
        try (Stream<Path> files = Files.walk(ROOT.resolve("docs"))) {
            files.filter(file -> file.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        List<String> broken = new ArrayList<>();
        for (Path document : documents) {
            List<String> lines = trimmedLines(document);
            for (int i = 0; i < lines.size(); i++) {
                Matcher link = LINK.matcher(lines.get(i));
                while (link.find()) {
                    String problem = check(document, link.group(1));
                    if (problem != null) {
                        broken.add(ROOT.relativize(document) + ":" + (i + 1) + " " + link.group(1) + " (" + problem + ")");
                    }
                }
            }
        }
        assertThat(broken).as("links that lead nowhere").isEmpty();
    }

    @Test
    void theIndexListsEveryPageOfTheGuide() throws IOException {
        String index = Files.readString(GUIDE.resolve("README.md"));
        try (Stream<Path> files = Files.list(GUIDE)) {
            assertThat(files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".md") && !name.equals("README.md")))
                    .as("pages of docs/guide missing from its README.md")
                    .allSatisfy(name -> assertThat(index).contains("](" + name + ")"));
        }
    }

    private static String check(Path document, String target) {
        if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
            return null; // http:, https:, mailto: — not checked offline
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        Path file = path.isEmpty() ? document : document.getParent().resolve(path).normalize();
        if (!Files.exists(file)) {
            return "no such file";
        }
        if (hash >= 0 && file.toString().endsWith(".md")) {
            String anchor = target.substring(hash + 1);
            boolean found = trimmedLines(file).stream().filter(line -> line.startsWith("#"))
                    .anyMatch(heading -> slug(heading.replaceFirst("^#+\\s*", "")).equals(anchor));
            return found ? null : "no heading for #" + anchor;
        }
        return null;
    }

    /** GitHub's anchor for a heading. */
    private static String slug(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

    private static boolean contains(List<String> file, List<String> block) {
        for (int start = 0; start + block.size() <= file.size(); start++) {
            String first = file.get(start);
            if (!first.endsWith(block.get(0))) {
                continue;
            }
            String indent = first.substring(0, first.length() - block.get(0).length());
            if (!indent.isBlank()) {
                continue;
            }
            boolean all = true;
            for (int i = 1; i < block.size() && all; i++) {
                String expected = block.get(i).isEmpty() ? "" : indent + block.get(i);
                all = file.get(start + i).equals(expected);
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    private record Block(int line, List<String> lines) {
    }

    private static List<Block> javaBlocks(Path page) {
        List<String> lines = trimmedLines(page);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher fence = FENCE.matcher(lines.get(i));
            if (!fence.matches()) {
                continue;
            }
            int open = i;
            List<String> body = new ArrayList<>();
            for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                body.add(lines.get(i));
            }
            if (fence.group(2).equals("java")) {
                blocks.add(new Block(open + 1, dedent(body)));
            }
        }
        return blocks;
    }

    private static List<String> dedent(List<String> lines) {
        List<String> body = new ArrayList<>(lines);
        while (!body.isEmpty() && body.get(0).isBlank()) {
            body.remove(0);
        }
        while (!body.isEmpty() && body.get(body.size() - 1).isBlank()) {
            body.remove(body.size() - 1);
        }
        int indent = body.stream().filter(line -> !line.isBlank())
                .mapToInt(line -> line.length() - line.stripLeading().length()).min().orElse(0);
        return body.stream().map(line -> line.isBlank() ? "" : line.substring(indent)).toList();
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> files = Files.list(GUIDE)) {
            files.filter(file -> file.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    private static List<String> trimmedLines(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::stripTrailing).toList();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The repository root, from the module directory Maven runs the tests in (or any directory below the root). */
    private static Path repositoryRoot() {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("docs/guide")) && Files.exists(dir.resolve("README.md"))) {
                return dir;
            }
        }
        throw new IllegalStateException("No repository root (with docs/guide and README.md) above "
                + System.getProperty("user.dir"));
    }
}
