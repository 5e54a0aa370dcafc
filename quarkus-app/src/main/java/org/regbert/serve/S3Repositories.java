package org.regbert.serve;

import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import java.net.URI;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Beans the S3 route names: {@code s3Seen} and {@code s3Client} (created only when that route runs). */
@ApplicationScoped
public class S3Repositories {
    /**
     * S3 objects (bucket/key@ETag) already copied to the inbox: claims in the shared database when
     * {@code regbert.serve.jdbc-url} is set ({@link S3Claims}), else kept in a file across restarts.
     */
    @Produces
    @Named("s3Seen")
    @ApplicationScoped
    @Unremovable
    IdempotentRepository s3Seen(ServeSettings settings, S3Claims claims, SharedDatabase database) {
        if (database.enabled()) {
            return claims.repository();
        }
        return FileIdempotentRepository.fileIdempotentRepository(settings.state().resolve("s3-seen.keys").toFile(),
                100_000);
    }

    /**
     * Path-style client for an S3-compatible endpoint. Checksums only where S3 requires them: servers
     * such as S3Proxy and MinIO answer 501 to the SDK's newer flexible-checksum headers.
     */
    @Produces
    @Named("s3Client")
    @ApplicationScoped
    @Unremovable
    S3Client s3Client(@ConfigProperty(name = "regbert.s3.endpoint") String endpoint,
            @ConfigProperty(name = "regbert.s3.region") String region,
            @ConfigProperty(name = "regbert.s3.access-key") String accessKey,
            @ConfigProperty(name = "regbert.s3.secret-key") String secretKey) {
        return S3Client.builder().endpointOverride(URI.create(endpoint)).forcePathStyle(true).region(Region.of(region))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .build();
    }

    void close(@Disposes @Named("s3Client") S3Client client) {
        client.close();
    }
}
