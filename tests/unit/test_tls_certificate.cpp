// The test cluster's self-signed certificate: what verifying clients check in it.
#include <catch2/catch.hpp>

#include <memory>

#include <openssl/asn1.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "testcluster/tls_certificate.hpp"

using namespace mqsend;

namespace {

struct CertificateFree {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
using CertificatePtr = std::unique_ptr<X509, CertificateFree>;

CertificatePtr parse_certificate(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                               &BIO_free);
  return CertificatePtr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

// X509_verify_cert with `certificate` as the only trust anchor, for a TLS server at `ip`.
int verify_as_server(X509* certificate, const char* ip) {
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), &X509_STORE_free);
  X509_STORE_add_cert(store.get(), certificate);
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> context(X509_STORE_CTX_new(),
                                                                          &X509_STORE_CTX_free);
  X509_STORE_CTX_init(context.get(), store.get(), certificate, nullptr);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM_set1_ip_asc(param, ip);
  return X509_verify_cert(context.get()) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(context.get());
}

}  // namespace

TEST_CASE("tls self-signed certificate: names 127.0.0.1 and localhost, verifies as its own trust anchor",
          "[tls][cluster]") {
  auto generated = generate_self_signed_certificate();
  REQUIRE(generated.ok());
  const CertificatePtr certificate = parse_certificate(generated->certificate_pem);
  REQUIRE(certificate);

  CHECK(X509_check_ip_asc(certificate.get(), "127.0.0.1", 0) == 1);
  CHECK(X509_check_host(certificate.get(), "localhost", 0, 0, nullptr) == 1);
  CHECK(X509_check_ip_asc(certificate.get(), "127.0.0.2", 0) == 0);
  CHECK(X509_check_host(certificate.get(), "example.com", 0, 0, nullptr) == 0);

  CHECK(verify_as_server(certificate.get(), "127.0.0.1") == X509_V_OK);
  CHECK(verify_as_server(certificate.get(), "10.0.0.1") == X509_V_ERR_IP_ADDRESS_MISMATCH);
  CHECK(X509_check_purpose(certificate.get(), X509_PURPOSE_SSL_CLIENT, 0) == 1);  // mutual TLS
}

TEST_CASE("tls self-signed certificate: the key matches, validity is short, each start makes a new one",
          "[tls][cluster]") {
  auto first = generate_self_signed_certificate(std::chrono::hours(2));
  auto second = generate_self_signed_certificate(std::chrono::hours(2));
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  const CertificatePtr certificate = parse_certificate(first->certificate_pem);
  REQUIRE(certificate);

  std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(
      BIO_new_mem_buf(first->private_key_pem.data(), static_cast<int>(first->private_key_pem.size())),
      &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  REQUIRE(key);
  CHECK(X509_check_private_key(certificate.get(), key.get()) == 1);

  int days = 0;
  int seconds = 0;
  REQUIRE(ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notAfter(certificate.get())) == 1);
  CHECK(days == 0);
  CHECK(seconds > 3600);
  CHECK(seconds <= 2 * 3600);
  REQUIRE(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(certificate.get()), nullptr) == 1);
  CHECK(seconds >= 3600);  // back-dated against clock skew

  CHECK(first->certificate_pem != second->certificate_pem);
  CHECK(first->private_key_pem != second->private_key_pem);
}
