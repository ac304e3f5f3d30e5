-- eventsite release 52a29a7 (schema 0015): its seed-demo's rows; made by make_release_fixture.py
--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Data for Name: organisations; Type: TABLE DATA; Schema: public; Owner: -
--

SET SESSION AUTHORIZATION DEFAULT;

ALTER TABLE public.organisations DISABLE TRIGGER ALL;

INSERT INTO public.organisations (id, slug, name, sender_email, created_at) VALUES (1, 'lederforeningen', 'Lederforeningen – sektion for ledere', 'arrangementer@lederforeningen.example', '2026-05-04 08:00:02.195849');


ALTER TABLE public.organisations ENABLE TRIGGER ALL;

--
-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.users DISABLE TRIGGER ALL;

INSERT INTO public.users (id, email, name, password_hash, active, session_token, created_at, last_login_at, totp_secret, totp_confirmed_at, totp_last_step, second_factor_exempt) VALUES (1, 'admin@lederforeningen.example', 'Demo Administrator', 'scrypt:32768:8:1$WHF7Wgj3gU1AVU3Y$29e3ba72f060a4a017736f32c43b2246251c4ecaad6af4ba0ea334c18f5fa8f298ee4fe9b5ce21040e520d488b8a8801cb1422dac6732d84441d7f49b7de25a4', true, 'Ctp2ZNuBHTbzNR5qk0Bxlw', '2026-05-04 08:00:04.023802', NULL, NULL, NULL, NULL, true);
INSERT INTO public.users (id, email, name, password_hash, active, session_token, created_at, last_login_at, totp_secret, totp_confirmed_at, totp_last_step, second_factor_exempt) VALUES (2, 'arrangoer@lederforeningen.example', 'Demo Arrangør', 'scrypt:32768:8:1$dZ6ma5oc6guTRSxs$b49c59ae80c194f97a6538ac7a334af7541918d95de8a8526587754800136999141991261514ed7329c6b3b8560d0bf9b12f71ca31451c8d40fe75e62e0dffb2', true, 'RQvrvU45jgSImxt0JoYm-w', '2026-05-04 08:00:04.332451', NULL, NULL, NULL, NULL, true);
INSERT INTO public.users (id, email, name, password_hash, active, session_token, created_at, last_login_at, totp_secret, totp_confirmed_at, totp_last_step, second_factor_exempt) VALUES (3, 'indtjekning@lederforeningen.example', 'Demo Indtjekning', 'scrypt:32768:8:1$2MWUI1Eo0Q4c1Fmm$1c643e517cd00cfaad523a518a1940aad741359dc26711b9f41d1d39c4d8ce9d6c335014e2fdb2f3008e03814070a3eb3a3ecd270abdc7f39fbd6bfff674a7c8', true, 'L4GvRwIz2aDS5LHFiMotiQ', '2026-05-04 08:00:04.62191', NULL, NULL, NULL, NULL, true);


ALTER TABLE public.users ENABLE TRIGGER ALL;

--
-- Data for Name: account_links; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.account_links DISABLE TRIGGER ALL;



ALTER TABLE public.account_links ENABLE TRIGGER ALL;

--
-- Data for Name: audit_entries; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.audit_entries DISABLE TRIGGER ALL;

INSERT INTO public.audit_entries (id, created_at, user_id, actor, organisation_id, object_type, object_id, action, before, after) VALUES (1, '2026-05-04 08:00:03.487797', NULL, '', 1, 'member', 1, 'created', '', '{"email": "mette.kjaer.hansen@example.dk", "job_level": "leder", "job_title": "Afdelingsleder", "member_number": "1001", "municipality_code": "0370", "name": "Mette Kjær Hansen", "opted_out_at": null, "region": "Region Sjælland", "workplace": "Næstved Kommune, Ældreområdet"}');
INSERT INTO public.audit_entries (id, created_at, user_id, actor, organisation_id, object_type, object_id, action, before, after) VALUES (2, '2026-05-04 08:00:03.507723', NULL, '', 1, 'member', 2, 'created', '', '{"email": "lars.oestergaard@example.dk", "job_level": "mellemleder", "job_title": "Teamleder", "member_number": "1002", "municipality_code": "0740", "name": "Lars Østergaard", "opted_out_at": null, "region": "Region Midtjylland", "workplace": "Silkeborg Kommune, Borgerservice"}');
INSERT INTO public.audit_entries (id, created_at, user_id, actor, organisation_id, object_type, object_id, action, before, after) VALUES (3, '2026-05-04 08:00:03.52937', NULL, '', 1, 'member', 3, 'created', '', '{"email": "anne-sofie.baerentsen@example.dk", "job_level": "leder", "job_title": "Institutionsleder", "member_number": "1003", "municipality_code": "0370", "name": "Anne-Sofie Bærentsen", "opted_out_at": null, "region": "Region Sjælland", "workplace": "Børnehuset Solsikken"}');
INSERT INTO public.audit_entries (id, created_at, user_id, actor, organisation_id, object_type, object_id, action, before, after) VALUES (4, '2026-05-04 08:00:03.54478', NULL, '', 1, 'member', 4, 'created', '', '{"email": "joergen.ravn@example.dk", "job_level": "mellemleder", "job_title": "Mellemleder", "member_number": "1004", "municipality_code": "0163", "name": "Jørgen Ravn", "opted_out_at": null, "region": "Region Hovedstaden", "workplace": "Herlev Kommune, Teknik og Miljø"}');
INSERT INTO public.audit_entries (id, created_at, user_id, actor, organisation_id, object_type, object_id, action, before, after) VALUES (5, '2026-05-04 08:00:03.560389', NULL, '', 1, 'member', 5, 'created', '', '{"email": "fatima.el-sayed@example.dk", "job_level": "mellemleder", "job_title": "Souschef", "member_number": "1005", "municipality_code": "0461", "name": "Fatima El-Sayed", "opted_out_at": null, "region": "Region Syddanmark", "workplace": "Odense Kommune, Sundhed"}');
INSERT INTO public.audit_entries (id, created_at, user_id, actor, organisation_id, object_type, object_id, action, before, after) VALUES (6, '2026-05-04 08:00:03.589845', NULL, '', 1, 'member', 6, 'created', '', '{"email": "soeren.aebeloe@example.dk", "job_level": "leder", "job_title": "Områdeleder", "member_number": "1006", "municipality_code": "0751", "name": "Søren Æbelø", "opted_out_at": null, "region": "Region Midtjylland", "workplace": "Aarhus Kommune, Socialforvaltningen"}');
INSERT INTO public.audit_entries (id, created_at, user_id, actor, organisation_id, object_type, object_id, action, before, after) VALUES (7, '2026-05-04 08:00:03.601675', NULL, '', 1, 'member', 7, 'created', '', '{"email": "birgitte.lund@example.dk", "job_level": "leder", "job_title": "Daglig leder", "member_number": "1007", "municipality_code": "0751", "name": "Birgitte Lund", "opted_out_at": null, "region": "Region Midtjylland", "workplace": "Plejecenter Åbyhøj"}');
INSERT INTO public.audit_entries (id, created_at, user_id, actor, organisation_id, object_type, object_id, action, before, after) VALUES (8, '2026-05-04 08:00:03.621283', NULL, '', 1, 'member', 8, 'created', '', '{"email": "henrik.moeller@example.dk", "job_level": "leder", "job_title": "Afdelingsleder", "member_number": "1008", "municipality_code": "0740", "name": "Henrik Møller", "opted_out_at": null, "region": "Region Midtjylland", "workplace": "Region Midtjylland, IT"}');
INSERT INTO public.audit_entries (id, created_at, user_id, actor, organisation_id, object_type, object_id, action, before, after) VALUES (9, '2026-05-04 08:00:03.649524', NULL, '', 1, 'member', 9, 'created', '', '{"email": "camilla.froekjaer@example.dk", "job_level": "mellemleder", "job_title": "Teamleder", "member_number": "1009", "municipality_code": "0259", "name": "Camilla Frøkjær", "opted_out_at": null, "region": "Region Sjælland", "workplace": "Køge Kommune, Jobcenter"}');
INSERT INTO public.audit_entries (id, created_at, user_id, actor, organisation_id, object_type, object_id, action, before, after) VALUES (10, '2026-05-04 08:00:03.665409', NULL, '', 1, 'member', 10, 'created', '', '{"email": "peter.skov@example.dk", "job_level": "leder", "job_title": "Leder", "member_number": "1010", "municipality_code": "0330", "name": "Peter Skov", "opted_out_at": null, "region": "Region Sjælland", "workplace": "Slagelse Kommune, Skoleområdet"}');
INSERT INTO public.audit_entries (id, created_at, user_id, actor, organisation_id, object_type, object_id, action, before, after) VALUES (11, '2026-05-04 08:00:04.030565', NULL, '', 1, 'user', 1, 'created', '', '{"email": "admin@lederforeningen.example", "name": "Demo Administrator", "role": "admin"}');
INSERT INTO public.audit_entries (id, created_at, user_id, actor, organisation_id, object_type, object_id, action, before, after) VALUES (12, '2026-05-04 08:00:04.341915', NULL, '', 1, 'user', 2, 'created', '', '{"email": "arrangoer@lederforeningen.example", "name": "Demo Arrangør", "role": "organiser"}');
INSERT INTO public.audit_entries (id, created_at, user_id, actor, organisation_id, object_type, object_id, action, before, after) VALUES (13, '2026-05-04 08:00:04.625452', NULL, '', 1, 'user', 3, 'created', '', '{"email": "indtjekning@lederforeningen.example", "name": "Demo Indtjekning", "role": "checkin"}');


ALTER TABLE public.audit_entries ENABLE TRIGGER ALL;

--
-- Data for Name: events; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.events DISABLE TRIGGER ALL;

INSERT INTO public.events (id, organisation_id, title, kind, description, target_group, visibility, registration_opens_at, registration_closes_at, cancellation_deadline, allows_multiple_sessions, published, cancelled_at, created_at, updated_at, colleague_limit) VALUES (1, 1, 'Temadag for mellemledere: Ledelse i forandring', 'temadag', 'En dag om at lede medarbejdere gennem forandringer: **organisationsændringer**, nye opgaver og pres på økonomien.

Vi holder temadagen to steder, så du kan vælge det, der ligger nærmest.', 'mellemledere', 'public', NULL, '2027-05-04 10:00:00', '2027-05-04 10:00:00', false, true, NULL, '2026-05-04 08:00:02.222455', '2026-05-04 08:00:02.222464', NULL);
INSERT INTO public.events (id, organisation_id, title, kind, description, target_group, visibility, registration_opens_at, registration_closes_at, cancellation_deadline, allows_multiple_sessions, published, cancelled_at, created_at, updated_at, colleague_limit) VALUES (2, 1, 'Årsmøde med generalforsamling', 'aarsmoede', 'Sektionens årsmøde. Generalforsamling efter vedtægterne kl. 17.00, derefter middag.', 'alle medlemmer', 'members', NULL, '2027-03-10 22:59:00', NULL, false, true, NULL, '2026-05-04 08:00:02.225579', '2026-05-04 08:00:02.225585', NULL);
INSERT INTO public.events (id, organisation_id, title, kind, description, target_group, visibility, registration_opens_at, registration_closes_at, cancellation_deadline, allows_multiple_sessions, published, cancelled_at, created_at, updated_at, colleague_limit) VALUES (3, 1, 'Webinar: Trivsel og arbejdsmiljø i teamet', 'webinar', 'En times webinar med spørgsmål undervejs. Linket sendes til tilmeldte.', 'ledere og mellemledere', 'public', NULL, NULL, NULL, false, true, NULL, '2026-05-04 08:00:02.239798', '2026-05-04 08:00:02.239808', NULL);
INSERT INTO public.events (id, organisation_id, title, kind, description, target_group, visibility, registration_opens_at, registration_closes_at, cancellation_deadline, allows_multiple_sessions, published, cancelled_at, created_at, updated_at, colleague_limit) VALUES (4, 1, 'Reception for nye ledere', 'reception', 'Vi byder årets nye ledere velkommen med et glas og en snak.', 'nye ledere', 'public', NULL, NULL, NULL, false, true, NULL, '2026-05-04 08:00:02.23981', '2026-05-04 08:00:02.239812', NULL);
INSERT INTO public.events (id, organisation_id, title, kind, description, target_group, visibility, registration_opens_at, registration_closes_at, cancellation_deadline, allows_multiple_sessions, published, cancelled_at, created_at, updated_at, colleague_limit) VALUES (5, 1, 'Lederforum: Strategisk ledelse i kommunerne', 'lederforum', 'Et forum for ledere med oplæg, debat og netværk.', 'chefer og ledere', 'public', NULL, NULL, NULL, false, true, NULL, '2026-05-04 08:00:02.239813', '2026-05-04 08:00:02.239814', NULL);
INSERT INTO public.events (id, organisation_id, title, kind, description, target_group, visibility, registration_opens_at, registration_closes_at, cancellation_deadline, allows_multiple_sessions, published, cancelled_at, created_at, updated_at, colleague_limit) VALUES (6, 1, 'Lederkonference: Ledelse på tværs', 'konference', 'To dage med oplæg, workshops og netværk. Du kan deltage én eller begge dage.

Overnat i enkeltværelse eller få en plads i et delt dobbeltværelse. Sektionen har et antal pladser med tilskud til medlemmer, der ikke selv kan finansiere deltagelsen.', 'ledere og mellemledere', 'public', NULL, '2026-09-09 10:00:00', '2026-09-02 10:00:00', false, true, NULL, '2026-05-04 08:00:02.995646', '2026-05-04 08:00:02.995651', NULL);


ALTER TABLE public.events ENABLE TRIGGER ALL;

--
-- Data for Name: venues; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.venues DISABLE TRIGGER ALL;

INSERT INTO public.venues (id, organisation_id, name, address, postcode, city, municipality_code) VALUES (1, 1, 'Næstved Sportscenter, mødelokale 1', 'Rolighedsvej 20', '4700', 'Næstved', '0370');
INSERT INTO public.venues (id, organisation_id, name, address, postcode, city, municipality_code) VALUES (2, 1, 'Jysk Musik- og Teaterhus', 'Papirfabrikken 10', '8600', 'Silkeborg', '0740');
INSERT INTO public.venues (id, organisation_id, name, address, postcode, city, municipality_code) VALUES (3, 1, 'Herlev Medborgerhus', 'Herlev Bygade 90', '2730', 'Herlev', '0163');
INSERT INTO public.venues (id, organisation_id, name, address, postcode, city, municipality_code) VALUES (4, 1, 'Foreningens hus', 'Nørre Voldgade 12', '1358', 'København K', '0101');
INSERT INTO public.venues (id, organisation_id, name, address, postcode, city, municipality_code) VALUES (5, 1, 'Odense Congress Center', 'Ørbækvej 350', '5220', 'Odense SØ', '0461');


ALTER TABLE public.venues ENABLE TRIGGER ALL;

--
-- Data for Name: event_sessions; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.event_sessions DISABLE TRIGGER ALL;

INSERT INTO public.event_sessions (id, event_id, venue_id, starts_at, ends_at, capacity, online_url, cancelled_at, sequence, updated_at) VALUES (1, 1, 1, '2027-05-11 07:00:00', '2027-05-11 13:30:00', 40, NULL, NULL, 0, '2026-05-04 08:00:02.270617');
INSERT INTO public.event_sessions (id, event_id, venue_id, starts_at, ends_at, capacity, online_url, cancelled_at, sequence, updated_at) VALUES (2, 1, 2, '2026-05-19 07:00:00', '2026-05-19 13:30:00', 35, NULL, NULL, 0, '2026-05-04 08:00:02.270627');
INSERT INTO public.event_sessions (id, event_id, venue_id, starts_at, ends_at, capacity, online_url, cancelled_at, sequence, updated_at) VALUES (3, 2, 3, '2027-03-18 15:00:00', '2027-03-18 20:00:00', 150, NULL, NULL, 0, '2026-05-04 08:00:02.270628');
INSERT INTO public.event_sessions (id, event_id, venue_id, starts_at, ends_at, capacity, online_url, cancelled_at, sequence, updated_at) VALUES (4, 3, NULL, '2027-01-14 13:00:00', '2027-01-14 14:00:00', NULL, 'https://meet.example.org/lederforeningen-trivsel', NULL, 0, '2026-05-04 08:00:02.270629');
INSERT INTO public.event_sessions (id, event_id, venue_id, starts_at, ends_at, capacity, online_url, cancelled_at, sequence, updated_at) VALUES (5, 4, 4, '2027-02-04 15:00:00', '2027-02-04 17:00:00', 60, NULL, NULL, 0, '2026-05-04 08:00:02.27063');
INSERT INTO public.event_sessions (id, event_id, venue_id, starts_at, ends_at, capacity, online_url, cancelled_at, sequence, updated_at) VALUES (6, 5, 5, '2027-04-08 06:30:00', '2027-04-08 13:00:00', 5, NULL, NULL, 0, '2026-05-04 08:00:02.270631');
INSERT INTO public.event_sessions (id, event_id, venue_id, starts_at, ends_at, capacity, online_url, cancelled_at, sequence, updated_at) VALUES (7, 6, 5, '2026-09-23 07:30:00', '2026-09-24 13:30:00', 120, NULL, NULL, 0, '2026-05-04 08:00:02.997817');


ALTER TABLE public.event_sessions ENABLE TRIGGER ALL;

--
-- Data for Name: members; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.members DISABLE TRIGGER ALL;

INSERT INTO public.members (id, organisation_id, member_number, email, name, job_title, job_level, workplace, municipality_code, region, opted_out_at, created_at, updated_at) VALUES (1, 1, '1001', 'mette.kjaer.hansen@example.dk', 'Mette Kjær Hansen', 'Afdelingsleder', 'leder', 'Næstved Kommune, Ældreområdet', '0370', 'Region Sjælland', NULL, '2026-05-04 08:00:03.456049', '2026-05-04 08:00:03.456049');
INSERT INTO public.members (id, organisation_id, member_number, email, name, job_title, job_level, workplace, municipality_code, region, opted_out_at, created_at, updated_at) VALUES (2, 1, '1002', 'lars.oestergaard@example.dk', 'Lars Østergaard', 'Teamleder', 'mellemleder', 'Silkeborg Kommune, Borgerservice', '0740', 'Region Midtjylland', NULL, '2026-05-04 08:00:03.487982', '2026-05-04 08:00:03.487982');
INSERT INTO public.members (id, organisation_id, member_number, email, name, job_title, job_level, workplace, municipality_code, region, opted_out_at, created_at, updated_at) VALUES (3, 1, '1003', 'anne-sofie.baerentsen@example.dk', 'Anne-Sofie Bærentsen', 'Institutionsleder', 'leder', 'Børnehuset Solsikken', '0370', 'Region Sjælland', NULL, '2026-05-04 08:00:03.507862', '2026-05-04 08:00:03.507862');
INSERT INTO public.members (id, organisation_id, member_number, email, name, job_title, job_level, workplace, municipality_code, region, opted_out_at, created_at, updated_at) VALUES (4, 1, '1004', 'joergen.ravn@example.dk', 'Jørgen Ravn', 'Mellemleder', 'mellemleder', 'Herlev Kommune, Teknik og Miljø', '0163', 'Region Hovedstaden', NULL, '2026-05-04 08:00:03.52955', '2026-05-04 08:00:03.52955');
INSERT INTO public.members (id, organisation_id, member_number, email, name, job_title, job_level, workplace, municipality_code, region, opted_out_at, created_at, updated_at) VALUES (5, 1, '1005', 'fatima.el-sayed@example.dk', 'Fatima El-Sayed', 'Souschef', 'mellemleder', 'Odense Kommune, Sundhed', '0461', 'Region Syddanmark', NULL, '2026-05-04 08:00:03.544908', '2026-05-04 08:00:03.544908');
INSERT INTO public.members (id, organisation_id, member_number, email, name, job_title, job_level, workplace, municipality_code, region, opted_out_at, created_at, updated_at) VALUES (6, 1, '1006', 'soeren.aebeloe@example.dk', 'Søren Æbelø', 'Områdeleder', 'leder', 'Aarhus Kommune, Socialforvaltningen', '0751', 'Region Midtjylland', NULL, '2026-05-04 08:00:03.560514', '2026-05-04 08:00:03.560514');
INSERT INTO public.members (id, organisation_id, member_number, email, name, job_title, job_level, workplace, municipality_code, region, opted_out_at, created_at, updated_at) VALUES (7, 1, '1007', 'birgitte.lund@example.dk', 'Birgitte Lund', 'Daglig leder', 'leder', 'Plejecenter Åbyhøj', '0751', 'Region Midtjylland', NULL, '2026-05-04 08:00:03.590021', '2026-05-04 08:00:03.590021');
INSERT INTO public.members (id, organisation_id, member_number, email, name, job_title, job_level, workplace, municipality_code, region, opted_out_at, created_at, updated_at) VALUES (8, 1, '1008', 'henrik.moeller@example.dk', 'Henrik Møller', 'Afdelingsleder', 'leder', 'Region Midtjylland, IT', '0740', 'Region Midtjylland', NULL, '2026-05-04 08:00:03.601851', '2026-05-04 08:00:03.601851');
INSERT INTO public.members (id, organisation_id, member_number, email, name, job_title, job_level, workplace, municipality_code, region, opted_out_at, created_at, updated_at) VALUES (9, 1, '1009', 'camilla.froekjaer@example.dk', 'Camilla Frøkjær', 'Teamleder', 'mellemleder', 'Køge Kommune, Jobcenter', '0259', 'Region Sjælland', NULL, '2026-05-04 08:00:03.621428', '2026-05-04 08:00:03.621428');
INSERT INTO public.members (id, organisation_id, member_number, email, name, job_title, job_level, workplace, municipality_code, region, opted_out_at, created_at, updated_at) VALUES (10, 1, '1010', 'peter.skov@example.dk', 'Peter Skov', 'Leder', 'leder', 'Slagelse Kommune, Skoleområdet', '0330', 'Region Sjælland', NULL, '2026-05-04 08:00:03.649728', '2026-05-04 08:00:03.649728');


ALTER TABLE public.members ENABLE TRIGGER ALL;

--
-- Data for Name: people; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.people DISABLE TRIGGER ALL;

INSERT INTO public.people (id, organisation_id, email, name, job_title, workplace, municipality_code, created_at, updated_at, feed_key) VALUES (14, 1, 'henrik.moeller@example.dk', 'Henrik Møller', 'Afdelingsleder', 'Region Midtjylland, IT', '0740', '2026-05-04 08:00:02.790417', '2026-05-04 08:00:02.790417', '6LOO5ZC40AAWHJvKGqKHlw');
INSERT INTO public.people (id, organisation_id, email, name, job_title, workplace, municipality_code, created_at, updated_at, feed_key) VALUES (20, 1, 'camilla.froekjaer@example.dk', 'Camilla Frøkjær', 'Teamleder', 'Køge Kommune, Jobcenter', '0259', '2026-05-04 08:00:02.869835', '2026-05-04 08:00:02.869835', 'TGk06hh_3Gp1n5xPz_ARCg');
INSERT INTO public.people (id, organisation_id, email, name, job_title, workplace, municipality_code, created_at, updated_at, feed_key) VALUES (4, 1, 'joergen.ravn@example.dk', 'Jørgen Ravn', 'Mellemleder', 'Herlev Kommune, Teknik og Miljø', '0163', '2026-05-04 08:00:02.651918', '2026-05-04 08:00:02.651918', '2IkXHEGvy4oQh2Oa_KefJA');
INSERT INTO public.people (id, organisation_id, email, name, job_title, workplace, municipality_code, created_at, updated_at, feed_key) VALUES (6, 1, 'soeren.aebeloe@example.dk', 'Søren Æbelø', 'Områdeleder', 'Aarhus Kommune, Socialforvaltningen', '0751', '2026-05-04 08:00:02.676577', '2026-05-04 08:00:02.676577', 'qk_EmKZLCxOvKkjZcNOS3w');
INSERT INTO public.people (id, organisation_id, email, name, job_title, workplace, municipality_code, created_at, updated_at, feed_key) VALUES (1, 1, 'mette.kjaer.hansen@example.dk', 'Mette Kjær Hansen', 'Afdelingsleder', 'Næstved Kommune, Ældreområdet', '0370', '2026-05-04 08:00:02.578814', '2026-05-04 08:00:02.578814', '_m516slp0HVJohVh9RIO6w');
INSERT INTO public.people (id, organisation_id, email, name, job_title, workplace, municipality_code, created_at, updated_at, feed_key) VALUES (2, 1, 'lars.oestergaard@example.dk', 'Lars Østergaard', 'Teamleder', 'Silkeborg Kommune, Borgerservice', '0740', '2026-05-04 08:00:02.615499', '2026-05-04 08:00:02.615499', 's-Rnj50PngajpiqoClIh7A');
INSERT INTO public.people (id, organisation_id, email, name, job_title, workplace, municipality_code, created_at, updated_at, feed_key) VALUES (3, 1, 'anne-sofie.baerentsen@example.dk', 'Anne-Sofie Bærentsen', 'Institutionsleder', 'Børnehuset Solsikken', '0370', '2026-05-04 08:00:02.63375', '2026-05-04 08:00:02.63375', 'B7xys2ZF2GfJn6xk9PnMCQ');
INSERT INTO public.people (id, organisation_id, email, name, job_title, workplace, municipality_code, created_at, updated_at, feed_key) VALUES (5, 1, 'fatima.el-sayed@example.dk', 'Fatima El-Sayed', 'Souschef', 'Odense Kommune, Sundhed', '0461', '2026-05-04 08:00:02.667265', '2026-05-04 08:00:02.667265', '-5ipSKE89sNwAQ_baoJT7w');
INSERT INTO public.people (id, organisation_id, email, name, job_title, workplace, municipality_code, created_at, updated_at, feed_key) VALUES (32, 1, 'peter.skov@example.dk', 'Peter Skov', 'Leder', 'Slagelse Kommune, Skoleområdet', '0330', '2026-05-04 08:00:03.344425', '2026-05-04 08:00:03.344425', 'p6Die9l7guDT0wlzTwyjZg');
INSERT INTO public.people (id, organisation_id, email, name, job_title, workplace, municipality_code, created_at, updated_at, feed_key) VALUES (13, 1, 'birgitte.lund@example.dk', 'Birgitte Lund', 'Daglig leder', 'Plejecenter Åbyhøj', '0751', '2026-05-04 08:00:02.779701', '2026-05-04 08:00:02.779701', 'B94Et12WDWYJrdjMvXENLA');


ALTER TABLE public.people ENABLE TRIGGER ALL;

--
-- Data for Name: registrations; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.registrations DISABLE TRIGGER ALL;

INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (1, 1, 1, 1, 'confirmed', 0, '', 'JqTOR_RTymj66K-dqWvnCA', '2026-05-04 08:00:02.578814', NULL, '2026-05-04 08:00:02.578814', NULL, '2026-05-04 08:00:02.578814', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (2, 1, 1, 2, 'confirmed', 0, '', 'XdLfXp8ezrF8QISSR9R7aA', '2026-05-04 08:00:02.615499', NULL, '2026-05-04 08:00:02.615499', NULL, '2026-05-04 08:00:02.615499', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (3, 1, 1, 3, 'confirmed', 0, '', '61RZH3iq5K9gDx3fvgLmCw', '2026-05-04 08:00:02.63375', NULL, '2026-05-04 08:00:02.63375', NULL, '2026-05-04 08:00:02.63375', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (4, 1, 2, 4, 'confirmed', 0, '', 'Ln0mWka53jxYGZKcHhFZ8Q', '2026-05-04 08:00:02.651918', NULL, '2026-05-04 08:00:02.651918', NULL, '2026-05-04 08:00:02.651918', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (5, 1, 2, 5, 'confirmed', 0, '', 'BaRu7A2CuK4m7BQHSciJOg', '2026-05-04 08:00:02.667265', NULL, '2026-05-04 08:00:02.667265', NULL, '2026-05-04 08:00:02.667265', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (6, 1, 2, 6, 'confirmed', 0, '', '8S6wm-B9ZWCZP9lveFfB7w', '2026-05-04 08:00:02.676577', NULL, '2026-05-04 08:00:02.676577', NULL, '2026-05-04 08:00:02.676577', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (7, 2, 3, 1, 'confirmed', 0, '', 'Spk2PNOwbXBNYIxNRRtnng', '2026-05-04 08:00:02.709802', NULL, '2026-05-04 08:00:02.709802', NULL, '2026-05-04 08:00:02.709802', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (8, 2, 3, 2, 'confirmed', 0, '', 's9lbyqoDOt0Ls7U_-PJcpA', '2026-05-04 08:00:02.715286', NULL, '2026-05-04 08:00:02.715286', NULL, '2026-05-04 08:00:02.715286', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (9, 2, 3, 3, 'confirmed', 0, '', 'Mgp0uCDyK_pDkP_J1HJxsQ', '2026-05-04 08:00:02.733714', NULL, '2026-05-04 08:00:02.733714', NULL, '2026-05-04 08:00:02.733714', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (10, 2, 3, 4, 'confirmed', 0, '', 'Lwm1xaPq3A1PPue3U5Mn_w', '2026-05-04 08:00:02.743268', NULL, '2026-05-04 08:00:02.743268', NULL, '2026-05-04 08:00:02.743268', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (11, 2, 3, 5, 'confirmed', 0, '', '_ij_qO47kwdsVmejEqA7cA', '2026-05-04 08:00:02.758166', NULL, '2026-05-04 08:00:02.758166', NULL, '2026-05-04 08:00:02.758166', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (12, 2, 3, 6, 'confirmed', 0, '', 'mI_0GSJXkIuBY44ByWTC9Q', '2026-05-04 08:00:02.773698', NULL, '2026-05-04 08:00:02.773698', NULL, '2026-05-04 08:00:02.773698', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (13, 2, 3, 13, 'confirmed', 0, '', 'l_KLwUb5NGmYxpjGAcNrEw', '2026-05-04 08:00:02.779701', NULL, '2026-05-04 08:00:02.779701', NULL, '2026-05-04 08:00:02.779701', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (14, 2, 3, 14, 'confirmed', 0, '', 'Kx8eTO45kS1ypim0WQtCsw', '2026-05-04 08:00:02.790417', NULL, '2026-05-04 08:00:02.790417', NULL, '2026-05-04 08:00:02.790417', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (15, 3, 4, 3, 'confirmed', 0, '', 'cvaD0abcFzfHJSp5FKT5nA', '2026-05-04 08:00:02.803406', NULL, '2026-05-04 08:00:02.803406', NULL, '2026-05-04 08:00:02.803406', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (16, 3, 4, 4, 'confirmed', 0, '', 'yKkUvHEYZ_CE-Cooymae8w', '2026-05-04 08:00:02.818516', NULL, '2026-05-04 08:00:02.818516', NULL, '2026-05-04 08:00:02.818516', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (17, 3, 4, 5, 'confirmed', 0, '', 'KFRiDo_1WVsto2Eraoxvog', '2026-05-04 08:00:02.830097', NULL, '2026-05-04 08:00:02.830097', NULL, '2026-05-04 08:00:02.830097', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (18, 4, 5, 13, 'confirmed', 0, '', 'vQ6R_YHK87cpvfHsTFPd1g', '2026-05-04 08:00:02.849797', NULL, '2026-05-04 08:00:02.849797', NULL, '2026-05-04 08:00:02.849797', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (19, 4, 5, 14, 'confirmed', 0, '', 'XEtjj_fEory6C1wGdXQj1A', '2026-05-04 08:00:02.86065', NULL, '2026-05-04 08:00:02.86065', NULL, '2026-05-04 08:00:02.86065', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (20, 4, 5, 20, 'confirmed', 0, '', '3Aagq2YVVyY5p5dl5S2wvA', '2026-05-04 08:00:02.869835', NULL, '2026-05-04 08:00:02.869835', NULL, '2026-05-04 08:00:02.869835', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (21, 5, 6, 1, 'confirmed', 0, '', 'Xv0tFOIbnir1Bp8TXjaY7g', '2026-05-04 08:00:02.8909', NULL, '2026-05-04 08:00:02.8909', NULL, '2026-05-04 08:00:02.8909', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (22, 5, 6, 2, 'confirmed', 0, '', 'qiJb_sc6B6nGZv_MqEIGMg', '2026-05-04 08:00:02.894314', NULL, '2026-05-04 08:00:02.894314', NULL, '2026-05-04 08:00:02.894314', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (23, 5, 6, 3, 'confirmed', 0, '', 'iAY_uh2XXSLOGBJlUBEMOA', '2026-05-04 08:00:02.914077', NULL, '2026-05-04 08:00:02.914077', NULL, '2026-05-04 08:00:02.914077', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (24, 5, 6, 4, 'confirmed', 0, '', 'n6XjEQ9xt-khDYm8537aJg', '2026-05-04 08:00:02.925763', NULL, '2026-05-04 08:00:02.925763', NULL, '2026-05-04 08:00:02.925763', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (25, 5, 6, 5, 'confirmed', 0, '', 'zx94rMqPE5H6t-vEV9kObg', '2026-05-04 08:00:02.93877', NULL, '2026-05-04 08:00:02.93877', NULL, '2026-05-04 08:00:02.93877', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (26, 5, 6, 6, 'waitlisted', 0, '', 'siuhPlILQcr6qxILtDZ1Dg', '2026-05-04 08:00:02.949752', '2026-05-04 08:00:02.949752', NULL, NULL, '2026-05-04 08:00:02.949752', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (27, 5, 6, 13, 'waitlisted', 0, '', 'hWekahkciYk1Z_0sxF7j9w', '2026-05-04 08:00:02.971831', '2026-05-04 08:00:02.971831', NULL, NULL, '2026-05-04 08:00:02.971831', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (28, 6, 7, 1, 'confirmed', 0, '', 'tZm3bKDH4Y4SzBRtUV9lfw', '2026-05-04 08:00:03.069934', NULL, '2026-05-04 08:00:03.069934', NULL, '2026-05-04 08:00:03.069934', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (29, 6, 7, 2, 'confirmed', 0, '', 'ZesNiY_N3kSp1beYZhZQcQ', '2026-05-04 08:00:03.177816', NULL, '2026-05-04 08:00:03.177816', NULL, '2026-05-04 08:00:03.177816', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (30, 6, 7, 3, 'confirmed', 0, '', 'PnVzpoi-J1ELD8MO40t9gQ', '2026-05-04 08:00:03.23465', NULL, '2026-05-04 08:00:03.23465', NULL, '2026-05-04 08:00:03.23465', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (31, 6, 7, 5, 'confirmed', 0, '', 'DhfocUazWSdsn_JGkT1IGg', '2026-05-04 08:00:03.289502', NULL, '2026-05-04 08:00:03.289502', NULL, '2026-05-04 08:00:03.289502', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (32, 6, 7, 32, 'confirmed', 0, '', '--S4cXdSCdWVPnOv2SqWuQ', '2026-05-04 08:00:03.344425', NULL, '2026-05-04 08:00:03.344425', NULL, '2026-05-04 08:00:03.344425', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);
INSERT INTO public.registrations (id, event_id, session_id, person_id, status, active_slot, comment, token_key, created_at, waitlisted_at, confirmed_at, cancelled_at, updated_at, attendance, checked_in_at, checked_in_by_id, attendance_note, calendar_sequence, held_until, hold_key, held_details) VALUES (33, 6, 7, 13, 'confirmed', 0, '', 'GWadZJdIFHMXTIybKT9u9g', '2026-05-04 08:00:03.390175', NULL, '2026-05-04 08:00:03.390175', NULL, '2026-05-04 08:00:03.390175', 'none', NULL, NULL, '', 0, NULL, NULL, NULL);


ALTER TABLE public.registrations ENABLE TRIGGER ALL;

--
-- Data for Name: colleague_signups; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.colleague_signups DISABLE TRIGGER ALL;



ALTER TABLE public.colleague_signups ENABLE TRIGGER ALL;

--
-- Data for Name: dietary_notes; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.dietary_notes DISABLE TRIGGER ALL;

INSERT INTO public.dietary_notes (registration_id, text, created_at) VALUES (6, 'Vegetar', '2026-05-04 08:00:02.705769');
INSERT INTO public.dietary_notes (registration_id, text, created_at) VALUES (12, 'Vegetar', '2026-05-04 08:00:02.779038');
INSERT INTO public.dietary_notes (registration_id, text, created_at) VALUES (26, 'Vegetar', '2026-05-04 08:00:02.970899');


ALTER TABLE public.dietary_notes ENABLE TRIGGER ALL;

--
-- Data for Name: event_addons; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.event_addons DISABLE TRIGGER ALL;

INSERT INTO public.event_addons (id, event_id, kind, title, description, price_ore, capacity, "position", created_at) VALUES (1, 6, 'workshop', 'Workshop: Den svære samtale', 'Træning med skuespillere. Få pladser.', 45000, 3, 1, '2026-05-04 08:00:03.012331');
INSERT INTO public.event_addons (id, event_id, kind, title, description, price_ore, capacity, "position", created_at) VALUES (2, 6, 'reception', 'Reception og middag', '', 0, 80, 2, '2026-05-04 08:00:03.031012');
INSERT INTO public.event_addons (id, event_id, kind, title, description, price_ore, capacity, "position", created_at) VALUES (3, 6, 'single_room', 'Overnatning i enkeltværelse', '', 125000, 20, 3, '2026-05-04 08:00:03.031021');
INSERT INTO public.event_addons (id, event_id, kind, title, description, price_ore, capacity, "position", created_at) VALUES (4, 6, 'double_room', 'Plads i delt dobbeltværelse', 'Skriv gerne, hvem du vil dele værelse med.', 75000, 30, 4, '2026-05-04 08:00:03.03766');


ALTER TABLE public.event_addons ENABLE TRIGGER ALL;

--
-- Data for Name: event_day_prices; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.event_day_prices DISABLE TRIGGER ALL;

INSERT INTO public.event_day_prices (id, event_id, days, member_price_ore, non_member_price_ore) VALUES (1, 6, 1, 213300, 275000);
INSERT INTO public.event_day_prices (id, event_id, days, member_price_ore, non_member_price_ore) VALUES (2, 6, 2, 330400, 420000);


ALTER TABLE public.event_day_prices ENABLE TRIGGER ALL;

--
-- Data for Name: event_days; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.event_days DISABLE TRIGGER ALL;

INSERT INTO public.event_days (id, event_id, day, label, capacity) VALUES (1, 6, '2026-09-23', 'Oplæg og workshops', NULL);
INSERT INTO public.event_days (id, event_id, day, label, capacity) VALUES (2, 6, '2026-09-24', 'Strategi og netværk', NULL);


ALTER TABLE public.event_days ENABLE TRIGGER ALL;

--
-- Data for Name: event_fees; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.event_fees DISABLE TRIGGER ALL;



ALTER TABLE public.event_fees ENABLE TRIGGER ALL;

--
-- Data for Name: failed_logins; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.failed_logins DISABLE TRIGGER ALL;



ALTER TABLE public.failed_logins ENABLE TRIGGER ALL;

--
-- Data for Name: invitation_rounds; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.invitation_rounds DISABLE TRIGGER ALL;



ALTER TABLE public.invitation_rounds ENABLE TRIGGER ALL;

--
-- Data for Name: outbox_messages; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.outbox_messages DISABLE TRIGGER ALL;



ALTER TABLE public.outbox_messages ENABLE TRIGGER ALL;

--
-- Data for Name: invitations; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.invitations DISABLE TRIGGER ALL;



ALTER TABLE public.invitations ENABLE TRIGGER ALL;

--
-- Data for Name: job_runs; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.job_runs DISABLE TRIGGER ALL;



ALTER TABLE public.job_runs ENABLE TRIGGER ALL;

--
-- Data for Name: member_imports; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.member_imports DISABLE TRIGGER ALL;



ALTER TABLE public.member_imports ENABLE TRIGGER ALL;

--
-- Data for Name: member_tags; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.member_tags DISABLE TRIGGER ALL;

INSERT INTO public.member_tags (member_id, tag) VALUES (1, 'kreds-øst');
INSERT INTO public.member_tags (member_id, tag) VALUES (2, 'kreds-vest');
INSERT INTO public.member_tags (member_id, tag) VALUES (3, 'kreds-øst');
INSERT INTO public.member_tags (member_id, tag) VALUES (4, 'kreds-øst');
INSERT INTO public.member_tags (member_id, tag) VALUES (5, 'kreds-vest');
INSERT INTO public.member_tags (member_id, tag) VALUES (6, 'kreds-vest');
INSERT INTO public.member_tags (member_id, tag) VALUES (7, 'kreds-vest');
INSERT INTO public.member_tags (member_id, tag) VALUES (8, 'kreds-vest');
INSERT INTO public.member_tags (member_id, tag) VALUES (9, 'kreds-øst');
INSERT INTO public.member_tags (member_id, tag) VALUES (10, 'kreds-øst');


ALTER TABLE public.member_tags ENABLE TRIGGER ALL;

--
-- Data for Name: memberships; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.memberships DISABLE TRIGGER ALL;

INSERT INTO public.memberships (id, user_id, organisation_id, role, created_at) VALUES (1, 1, 1, 'admin', '2026-05-04 08:00:04.025868');
INSERT INTO public.memberships (id, user_id, organisation_id, role, created_at) VALUES (2, 2, 1, 'organiser', '2026-05-04 08:00:04.337606');
INSERT INTO public.memberships (id, user_id, organisation_id, role, created_at) VALUES (3, 3, 1, 'checkin', '2026-05-04 08:00:04.622914');


ALTER TABLE public.memberships ENABLE TRIGGER ALL;

--
-- Data for Name: pending_signups; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.pending_signups DISABLE TRIGGER ALL;



ALTER TABLE public.pending_signups ENABLE TRIGGER ALL;

--
-- Data for Name: programme_items; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.programme_items DISABLE TRIGGER ALL;

INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (1, 1, '09:00:00', 'Kaffe og rundstykker', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (2, 1, '09:30:00', 'Forandringsledelse i praksis', 'Lektor Hanne Vestergaard', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (3, 1, '12:00:00', 'Frokost', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (4, 1, '13:00:00', 'Erfaringsudveksling i grupper', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (5, 1, '15:00:00', 'Opsamling', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (6, 2, '09:00:00', 'Kaffe og rundstykker', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (7, 2, '09:30:00', 'Forandringsledelse i praksis', 'Lektor Hanne Vestergaard', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (8, 2, '12:00:00', 'Frokost', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (9, 2, '13:00:00', 'Erfaringsudveksling i grupper', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (10, 2, '15:00:00', 'Opsamling', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (11, 3, '16:00:00', 'Velkomst', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (12, 3, '16:15:00', 'Oplæg om overenskomst 2027', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (13, 3, '17:00:00', 'Generalforsamling', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (14, 3, '19:00:00', 'Middag', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (15, 6, '08:30:00', 'Morgenmad', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (16, 6, '08:45:00', 'Velkomst', 'Formand Kirsten Holm', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (17, 6, '09:00:00', 'Oplæg: Styring og tillid', 'Professor Jens Bach', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (18, 6, '10:30:00', 'Pause', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (19, 6, '10:45:00', 'Debat i panelet', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (20, 6, '12:00:00', 'Frokost', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (21, 6, '13:00:00', 'Workshops', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (22, 6, '14:30:00', 'Afrunding', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (23, 7, '09:30:00', 'Ankomst og kaffe', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (24, 7, '10:00:00', 'Ledelse på tværs af fagligheder', 'Professor Jens Bach', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (25, 7, '13:00:00', 'Workshops', '', NULL, '');
INSERT INTO public.programme_items (id, session_id, starts_at, title, speaker, ends_at, description) VALUES (26, 7, '18:30:00', 'Reception og middag', '', NULL, '');


ALTER TABLE public.programme_items ENABLE TRIGGER ALL;

--
-- Data for Name: recovery_codes; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.recovery_codes DISABLE TRIGGER ALL;



ALTER TABLE public.recovery_codes ENABLE TRIGGER ALL;

--
-- Data for Name: registration_addons; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.registration_addons DISABLE TRIGGER ALL;

INSERT INTO public.registration_addons (registration_id, addon_id, price_ore, share_with, created_at) VALUES (28, 1, 45000, '', '2026-05-04 08:00:03.09548');
INSERT INTO public.registration_addons (registration_id, addon_id, price_ore, share_with, created_at) VALUES (28, 2, 0, '', '2026-05-04 08:00:03.09548');
INSERT INTO public.registration_addons (registration_id, addon_id, price_ore, share_with, created_at) VALUES (28, 3, 125000, '', '2026-05-04 08:00:03.09548');
INSERT INTO public.registration_addons (registration_id, addon_id, price_ore, share_with, created_at) VALUES (29, 1, 45000, '', '2026-05-04 08:00:03.198877');
INSERT INTO public.registration_addons (registration_id, addon_id, price_ore, share_with, created_at) VALUES (29, 4, 75000, '', '2026-05-04 08:00:03.198877');
INSERT INTO public.registration_addons (registration_id, addon_id, price_ore, share_with, created_at) VALUES (30, 2, 0, '', '2026-05-04 08:00:03.240317');
INSERT INTO public.registration_addons (registration_id, addon_id, price_ore, share_with, created_at) VALUES (31, 4, 75000, 'Birgitte Lund', '2026-05-04 08:00:03.292374');
INSERT INTO public.registration_addons (registration_id, addon_id, price_ore, share_with, created_at) VALUES (32, 1, 45000, '', '2026-05-04 08:00:03.34715');
INSERT INTO public.registration_addons (registration_id, addon_id, price_ore, share_with, created_at) VALUES (33, 2, 0, '', '2026-05-04 08:00:03.392324');
INSERT INTO public.registration_addons (registration_id, addon_id, price_ore, share_with, created_at) VALUES (33, 4, 75000, '', '2026-05-04 08:00:03.392324');


ALTER TABLE public.registration_addons ENABLE TRIGGER ALL;

--
-- Data for Name: registration_billing; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.registration_billing DISABLE TRIGGER ALL;

INSERT INTO public.registration_billing (registration_id, is_member, fee_ore, payer_kind, ean, invoice_organisation, invoice_reference, order_number, cvr, invoiced_at, paid_at, created_at, updated_at) VALUES (28, true, 330400, 'ean', '5798000416604', 'Næstved Kommune', 'MKH01', 'PO-2027-114', NULL, NULL, NULL, '2026-05-04 08:00:03.09548', '2026-05-04 08:00:03.159197');
INSERT INTO public.registration_billing (registration_id, is_member, fee_ore, payer_kind, ean, invoice_organisation, invoice_reference, order_number, cvr, invoiced_at, paid_at, created_at, updated_at) VALUES (29, true, 330400, 'ean', '5790001330583', 'Silkeborg Kommune', 'LOE', '', '29189730', NULL, NULL, '2026-05-04 08:00:03.198877', '2026-05-04 08:00:03.230203');
INSERT INTO public.registration_billing (registration_id, is_member, fee_ore, payer_kind, ean, invoice_organisation, invoice_reference, order_number, cvr, invoiced_at, paid_at, created_at, updated_at) VALUES (30, true, 213300, 'person', NULL, '', '', '', NULL, NULL, NULL, '2026-05-04 08:00:03.240317', '2026-05-04 08:00:03.269406');
INSERT INTO public.registration_billing (registration_id, is_member, fee_ore, payer_kind, ean, invoice_organisation, invoice_reference, order_number, cvr, invoiced_at, paid_at, created_at, updated_at) VALUES (31, true, 330400, 'person', NULL, '', '', '', NULL, NULL, NULL, '2026-05-04 08:00:03.292374', '2026-05-04 08:00:03.323764');
INSERT INTO public.registration_billing (registration_id, is_member, fee_ore, payer_kind, ean, invoice_organisation, invoice_reference, order_number, cvr, invoiced_at, paid_at, created_at, updated_at) VALUES (32, false, 275000, 'ean', '5798009811578', 'Slagelse Kommune', 'Peter Skov', '', NULL, NULL, NULL, '2026-05-04 08:00:03.34715', '2026-05-04 08:00:03.386643');
INSERT INTO public.registration_billing (registration_id, is_member, fee_ore, payer_kind, ean, invoice_organisation, invoice_reference, order_number, cvr, invoiced_at, paid_at, created_at, updated_at) VALUES (33, true, 330400, 'person', NULL, '', '', '', NULL, NULL, NULL, '2026-05-04 08:00:03.392324', '2026-05-04 08:00:03.432417');


ALTER TABLE public.registration_billing ENABLE TRIGGER ALL;

--
-- Data for Name: registration_days; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.registration_days DISABLE TRIGGER ALL;

INSERT INTO public.registration_days (registration_id, day_id) VALUES (28, 1);
INSERT INTO public.registration_days (registration_id, day_id) VALUES (28, 2);
INSERT INTO public.registration_days (registration_id, day_id) VALUES (29, 1);
INSERT INTO public.registration_days (registration_id, day_id) VALUES (29, 2);
INSERT INTO public.registration_days (registration_id, day_id) VALUES (30, 1);
INSERT INTO public.registration_days (registration_id, day_id) VALUES (31, 1);
INSERT INTO public.registration_days (registration_id, day_id) VALUES (31, 2);
INSERT INTO public.registration_days (registration_id, day_id) VALUES (32, 2);
INSERT INTO public.registration_days (registration_id, day_id) VALUES (33, 1);
INSERT INTO public.registration_days (registration_id, day_id) VALUES (33, 2);


ALTER TABLE public.registration_days ENABLE TRIGGER ALL;

--
-- Data for Name: subsidy_budgets; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.subsidy_budgets DISABLE TRIGGER ALL;

INSERT INTO public.subsidy_budgets (event_id, places, amount_ore, description, updated_at) VALUES (6, 4, 1000000, 'Sektionen betaler for medlemmer, der ikke selv kan finansiere deltagelsen, i delt dobbeltværelse.', '2026-05-04 08:00:03.062449');


ALTER TABLE public.subsidy_budgets ENABLE TRIGGER ALL;

--
-- Data for Name: subsidy_requests; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.subsidy_requests DISABLE TRIGGER ALL;

INSERT INTO public.subsidy_requests (id, registration_id, event_id, wants_fee, wants_transport, wants_accommodation, reason, status, granted_ore, decision_note, decided_at, decided_by_id, created_at) VALUES (2, 33, 6, true, true, false, 'Selvejende institution uden midler til efteruddannelse.', 'requested', NULL, '', NULL, NULL, '2026-05-04 08:00:03.392324');
INSERT INTO public.subsidy_requests (id, registration_id, event_id, wants_fee, wants_transport, wants_accommodation, reason, status, granted_ore, decision_note, decided_at, decided_by_id, created_at) VALUES (1, 31, 6, true, false, true, 'Min afdeling har brugt sit kursusbudget; jeg deler gerne værelse.', 'approved', 405400, 'Du får dækket deltagergebyr og plads i dobbeltværelse. Velkommen!', '2026-05-04 08:00:03.453726', NULL, '2026-05-04 08:00:03.292374');


ALTER TABLE public.subsidy_requests ENABLE TRIGGER ALL;

--
-- Data for Name: worker_heartbeats; Type: TABLE DATA; Schema: public; Owner: -
--

ALTER TABLE public.worker_heartbeats DISABLE TRIGGER ALL;



ALTER TABLE public.worker_heartbeats ENABLE TRIGGER ALL;

--
-- Name: account_links_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.account_links_id_seq', 1, false);


--
-- Name: audit_entries_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.audit_entries_id_seq', 13, true);


--
-- Name: event_addons_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.event_addons_id_seq', 4, true);


--
-- Name: event_day_prices_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.event_day_prices_id_seq', 2, true);


--
-- Name: event_days_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.event_days_id_seq', 2, true);


--
-- Name: event_sessions_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.event_sessions_id_seq', 7, true);


--
-- Name: events_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.events_id_seq', 6, true);


--
-- Name: failed_logins_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.failed_logins_id_seq', 1, false);


--
-- Name: invitation_rounds_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.invitation_rounds_id_seq', 1, false);


--
-- Name: invitations_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.invitations_id_seq', 1, false);


--
-- Name: job_runs_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.job_runs_id_seq', 1, false);


--
-- Name: member_imports_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.member_imports_id_seq', 1, false);


--
-- Name: members_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.members_id_seq', 10, true);


--
-- Name: memberships_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.memberships_id_seq', 3, true);


--
-- Name: organisations_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.organisations_id_seq', 1, true);


--
-- Name: outbox_messages_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.outbox_messages_id_seq', 1, false);


--
-- Name: pending_signups_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.pending_signups_id_seq', 1, false);


--
-- Name: people_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.people_id_seq', 33, true);


--
-- Name: programme_items_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.programme_items_id_seq', 26, true);


--
-- Name: recovery_codes_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.recovery_codes_id_seq', 1, false);


--
-- Name: registrations_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.registrations_id_seq', 33, true);


--
-- Name: subsidy_requests_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.subsidy_requests_id_seq', 2, true);


--
-- Name: users_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.users_id_seq', 3, true);


--
-- Name: venues_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.venues_id_seq', 5, true);


--
-- Name: worker_heartbeats_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.worker_heartbeats_id_seq', 1, false);


--
-- PostgreSQL database dump complete
--


