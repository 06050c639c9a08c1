package dev.layerscope.load;

import static dev.layerscope.load.LoadTestSupport.classNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.layerscope.data.DataException;
import dev.layerscope.data.DataException.Kind;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** First-use download, against a server on the loopback interface that serves a small IDX set. */
class DownloadTest {

    @TempDir
    Path published;
    @TempDir
    Path dataDir;

    private final SmallIdxSet set = new SmallIdxSet(4, 4, 3, 6, 2, true);
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer server;

    @BeforeEach
    void publish() throws IOException {
        set.writeTo(published);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/files/", exchange -> {
            requests.incrementAndGet();
            Path file = published.resolve(exchange.getRequestURI().getPath().substring("/files/".length()));
            if (!Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, Files.size(file));
            try (OutputStream body = exchange.getResponseBody()) {
                Files.copy(file, body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void fetchesMissingFilesAndChecksThemOnFirstUse() throws IOException {
        DataSettings settings = settings(baseUrl(), withMd5s());
        List<Path> files = DataFiles.locate(settings).stream().map(DataFiles.Located::path).toList();
        assertEquals(4, requests.get());
        for (int i = 0; i < 4; i++) {
            assertEquals(Files.size(published.resolve(set.name(i))), Files.size(files.get(i)));
        }
        assertEquals(18, DatasetReader.read(settings, files, "test").train().size());

        DataFiles.locate(settings);
        assertEquals(4, requests.get(), "files already there are not fetched again");
    }

    @Test
    void aDownloadWithTheWrongChecksumIsNotKept() throws IOException {
        DataSettings.Files files = withMd5s();
        DataSettings.Files wrongFirst = new DataSettings.Files(
                new DataSettings.DataFile(set.name(0), Optional.of("ffffffffffffffffffffffffffffffff")),
                files.trainLabels(), files.testImages(), files.testLabels());
        DataException e = assertThrows(DataException.class, () -> DataFiles.locate(settings(baseUrl(), wrongFirst)));
        assertEquals(Kind.CHECKSUM_MISMATCH, e.kind());
        assertFalse(Files.exists(dataDir.resolve("fresh").resolve(set.name(0))));
        assertFalse(Files.exists(dataDir.resolve("fresh").resolve(set.name(0) + ".part")));
    }

    @Test
    void anUnreachableServerGivesTheFilesAndTheFolder() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        DataException e = assertThrows(DataException.class,
                () -> DataFiles.locate(settings("http://127.0.0.1:" + closedPort + "/", withMd5s())));
        assertEquals(Kind.MISSING_FILES, e.kind());
        for (int i = 0; i < 4; i++) {
            assertTrue(e.getMessage().contains(set.name(i)), e.getMessage());
        }
        assertTrue(e.getMessage().contains(dataDir.toString()) && e.getMessage().contains("md5 ")
                && e.getMessage().contains("LAYERSCOPE_DATA_DIR"), e.getMessage());
    }

    @Test
    void aServerWithoutTheFileGivesTheSameAdvice() {
        DataException e = assertThrows(DataException.class,
                () -> DataFiles.locate(settings(baseUrl() + "elsewhere/", withMd5s())));
        assertEquals(Kind.MISSING_FILES, e.kind());
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/files/";
    }

    private DataSettings settings(String baseUrl, DataSettings.Files files) {
        return LoadTestSupport.settings(dataDir.resolve("fresh"), set, classNames(3), 0.0, 0, files,
                new DataSettings.Download(true, Optional.of(baseUrl), Duration.ofSeconds(5)));
    }

    private DataSettings.Files withMd5s() throws IOException {
        DataSettings.DataFile[] files = new DataSettings.DataFile[4];
        for (int i = 0; i < 4; i++) {
            files[i] = new DataSettings.DataFile(set.name(i), Optional.of(DataFiles.md5(published.resolve(set.name(i)))));
        }
        return new DataSettings.Files(files[0], files[1], files[2], files[3]);
    }
}
