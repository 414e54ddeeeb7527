import Foundation

/// A throwaway certificate authority and a server certificate for 127.0.0.1 / localhost, made
/// with openssl at test time (scripts/services installs it); nothing is checked in.
struct TestCertificates {
    let caFile: URL
    let certificateFile: URL
    let keyFile: URL

    static func make(in directory: URL) async throws -> TestCertificates {
        let script = """
            set -e
            cd "$0"
            exec >openssl.log 2>&1
            openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=CollabGrid Test CA" \
              -keyout ca.key -out ca.pem -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
            openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr
            printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > server.ext
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.pem
            """
        let log = directory.appendingPathComponent("openssl.log").path
        let status = try await SystemHarness.run(["/bin/bash", "-c", script, directory.path])
        guard status == 0 else {
            throw HarnessError(message: "openssl failed (\(status)): \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
        return TestCertificates(
            caFile: directory.appendingPathComponent("ca.pem"),
            certificateFile: directory.appendingPathComponent("server.pem"),
            keyFile: directory.appendingPathComponent("server.key")
        )
    }
}
