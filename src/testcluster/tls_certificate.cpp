#include "testcluster/tls_certificate.hpp"

#include <memory>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace mqsend {

namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* object) const { Free(object); }
};
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

using KeyContextPtr = Owned<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using KeyPtr = Owned<EVP_PKEY, EVP_PKEY_free>;
using CertificatePtr = Owned<X509, X509_free>;
using ExtensionPtr = Owned<X509_EXTENSION, X509_EXTENSION_free>;
using BignumPtr = Owned<BIGNUM, BN_free>;
using BioPtr = Owned<BIO, BIO_free_all>;

Error openssl_error(const char* step) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
  return Error{error_code::kInvalidArgument,
               std::string("self-signed certificate: ") + step + ": " +
                   (reason != nullptr ? reason : "OpenSSL failed")};
}

Result<KeyPtr> generate_p256_key() {
  KeyContextPtr context(EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr));
  EVP_PKEY* key = nullptr;
  if (!context || EVP_PKEY_keygen_init(context.get()) != 1 ||
      EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context.get(), NID_X9_62_prime256v1) != 1 ||
      EVP_PKEY_CTX_set_ec_param_enc(context.get(), OPENSSL_EC_NAMED_CURVE) != 1 ||
      EVP_PKEY_keygen(context.get(), &key) != 1) {
    return openssl_error("key generation");
  }
  return KeyPtr(key);
}

// A random positive 63-bit serial: certificates of successive runs never collide.
bool set_random_serial(X509* certificate) {
  BignumPtr serial(BN_new());
  return serial && BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
         BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate)) != nullptr;
}

bool add_extension(X509* certificate, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
  ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
  return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

template <typename Write>
Result<std::string> to_pem(const char* what, Write write) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || !write(bio.get())) return openssl_error(what);
  BUF_MEM* memory = nullptr;
  BIO_get_mem_ptr(bio.get(), &memory);
  return std::string(memory->data, memory->length);
}

}  // namespace

Result<TlsCertificate> generate_self_signed_certificate(std::chrono::seconds validity) {
  auto key = generate_p256_key();
  if (!key) return key.error();
  CertificatePtr certificate(X509_new());
  if (!certificate || X509_set_version(certificate.get(), 2) != 1 ||
      !set_random_serial(certificate.get())) {
    return openssl_error("certificate fields");
  }
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), static_cast<long>(validity.count()));
  X509_NAME* name = X509_get_subject_name(certificate.get());
  if (X509_NAME_add_entry_by_txt(
          name, "CN", MBSTRING_ASC,
          reinterpret_cast<const unsigned char*>(kTestClusterCertificateName), -1, -1, 0) != 1 ||
      X509_set_issuer_name(certificate.get(), name) != 1 ||
      X509_set_pubkey(certificate.get(), key->get()) != 1) {
    return openssl_error("certificate fields");
  }
  // As `openssl req -x509` makes them: a self-signed CA that is its own server certificate.
  if (!add_extension(certificate.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !add_extension(certificate.get(), NID_subject_key_identifier, "hash") ||
      !add_extension(certificate.get(), NID_authority_key_identifier, "keyid:always") ||
      !add_extension(certificate.get(), NID_ext_key_usage, "serverAuth,clientAuth") ||
      !add_extension(certificate.get(), NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost")) {
    return openssl_error("certificate extensions");
  }
  if (X509_sign(certificate.get(), key->get(), EVP_sha256()) == 0) return openssl_error("signing");

  auto certificate_pem = to_pem("certificate PEM", [&](BIO* bio) {
    return PEM_write_bio_X509(bio, certificate.get()) == 1;
  });
  if (!certificate_pem) return certificate_pem.error();
  auto key_pem = to_pem("key PEM", [&](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, key->get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  });
  if (!key_pem) return key_pem.error();
  return TlsCertificate{std::move(certificate_pem.value()), std::move(key_pem.value())};
}

}  // namespace mqsend
